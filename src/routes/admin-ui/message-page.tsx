/** @jsxImportSource hono/jsx */
/** A page that explains why nothing happened: a refused request, an error. */
import type { FC } from "hono/jsx";
import { Layout, Notice, UI_ROOT } from "./layout";
import type { StaffSession } from "./session";

export const MessagePage: FC<{
  title: string;
  message: string;
  session?: StaffSession | undefined;
  requestId?: string | undefined;
}> = ({ title, message, session, requestId }) => (
  <Layout title={title} session={session}>
    <h1>{title}</h1>
    <Notice kind="error">{message}</Notice>
    {requestId ? <p class="muted">Request id: {requestId}</p> : null}
    <p>
      <a href={`${UI_ROOT}/models`}>Back to the models</a>
    </p>
  </Layout>
);
