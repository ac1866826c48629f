import { createRouter } from "../../http/router";
import * as handlers from "./model-changes.handlers";
import * as routes from "./model-changes.routes";

export const modelChanges = createRouter().openapi(routes.feed, handlers.feed);
