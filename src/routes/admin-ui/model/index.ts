import { Hono } from "hono";
import type { AdminUiEnv } from "../session";
import { showModel, submitDialog } from "./model.handlers";

export const modelPage = new Hono<AdminUiEnv>().get("/models/:id", showModel).post("/models/:id/:action", submitDialog);
