import { Hono } from "hono";
import type { AdminUiEnv } from "../session";
import { listSunsets } from "./sunsets.handlers";

export const sunsetsPage = new Hono<AdminUiEnv>().get("/sunsets", listSunsets);
