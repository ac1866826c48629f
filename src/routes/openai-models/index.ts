import { createRouter } from "../../http/router";
import * as handlers from "./openai-models.handlers";
import * as routes from "./openai-models.routes";

export const openAIModels = createRouter().openapi(routes.list, handlers.list).openapi(routes.detail, handlers.detail);
