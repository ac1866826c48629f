/** The same responder as /v1/models (catalog/responder.ts), in the OpenAI-compatible view. */
import { respondWithList, respondWithModel } from "../../catalog/responder";
import { openAIListView } from "../../catalog/views";
import type { AppRouteHandler } from "../../http/router";
import type * as routes from "./openai-models.routes";

export const list: AppRouteHandler<typeof routes.list> = (c) => respondWithList(c, openAIListView, c.req.valid("query"));

export const detail: AppRouteHandler<typeof routes.detail> = (c) => respondWithModel(c, openAIListView, c.req.valid("param").id);
