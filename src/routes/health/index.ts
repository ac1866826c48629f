import { createRouter } from "../../http/router";
import * as handlers from "./health.handlers";
import * as routes from "./health.routes";

export const health = createRouter().openapi(routes.health, handlers.health);
