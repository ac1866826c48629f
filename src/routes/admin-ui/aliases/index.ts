import { Hono } from "hono";
import type { AdminUiEnv } from "../session";
import { listAliases } from "./aliases.handlers";

export const aliasesPage = new Hono<AdminUiEnv>().get("/aliases", listAliases);
