/**
 * Request ids. The server makes its own for every request: it is the one in
 * the response (X-Request-Id, the error envelope), the log lines and the audit
 * rows, so a client cannot choose, repeat or forge the key a change is traced
 * by. A client's X-Request-Id is kept beside it (audit column
 * client_request_id, log field clientRequestId) only when it is plain enough
 * to store and print safely; otherwise it is dropped.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";

/** Visible ASCII letters, digits and . _ : - only: no quotes, spaces or markup; short enough for a log line. */
export const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const assignRequestId = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = crypto.randomUUID();
  const sent = c.req.header("X-Request-Id");
  c.set("requestId", requestId);
  c.set("clientRequestId", sent !== undefined && CLIENT_REQUEST_ID.test(sent) ? sent : undefined);
  c.header("X-Request-Id", requestId);
  await next();
});
