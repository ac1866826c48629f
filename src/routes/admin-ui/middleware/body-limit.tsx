/** @jsxImportSource hono/jsx */
import { bodyLimit } from "hono/body-limit";
import { MAX_BODY_BYTES } from "../../../http/body";
import { MessagePage } from "../message-page";

/** The API's body limit, refused as a page. */
export const formBodyLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => c.html(<MessagePage title="Too much data" message="The form sent more data than the dashboard accepts." />, 413),
});
