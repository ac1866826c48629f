import { Hono } from "hono";
import type { AdminUiEnv } from "../session";
import { listModels } from "./models.handlers";

export const modelsPage = new Hono<AdminUiEnv>().get("/models", listModels);
