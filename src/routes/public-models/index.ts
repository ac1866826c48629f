import { createRouter } from "../../http/router";
import * as handlers from "./public-models.handlers";
import * as routes from "./public-models.routes";

export const publicModels = createRouter()
  .openapi(routes.list, handlers.list)
  .openapi(routes.detail, handlers.detail)
  .openapi(routes.access, handlers.access)
  .openapi(routes.history, handlers.history);
