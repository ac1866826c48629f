/** @jsxImportSource hono/jsx */
/** The sign-in page and the pages that refuse (wrong role, CSRF, errors). */
import type { FC } from "hono/jsx";
import { Field, Layout, Notice, UI_ROOT } from "./layout";
import type { StaffSession } from "./session";

export const SignInPage: FC<{ message?: string | undefined; tokenError?: string | undefined; notice?: string | undefined }> = ({
  message,
  tokenError,
  notice,
}) => (
  <Layout title="Sign in">
    <div class="signin">
      <h1>Sign in to the model catalog</h1>
      {notice ? <Notice kind="warning">{notice}</Notice> : null}
      {message ? <Notice kind="error">{message}</Notice> : null}
      <form method="post" action={`${UI_ROOT}/sign-in`}>
        <Field
          id="token"
          name="token"
          label="Admin token"
          hint="Paste a JWT with the admin role, e.g. the output of: npm run -s token -- --role admin --sub yourname"
          errors={tokenError ? { token: [tokenError] } : undefined}
          required
        >
          {(attributes) => <textarea {...attributes} autocomplete="off" spellcheck={false} autofocus />}
        </Field>
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </div>
  </Layout>
);

/** A page that explains why nothing happened: wrong role, a refused request, an error. */
export const MessagePage: FC<{
  title: string;
  message: string;
  session?: StaffSession | undefined;
  requestId?: string | undefined;
  signInLink?: boolean;
}> = ({ title, message, session, requestId, signInLink }) => (
  <Layout title={title} session={session}>
    <h1>{title}</h1>
    <Notice kind="error">{message}</Notice>
    {requestId ? <p class="muted">Request id: {requestId}</p> : null}
    <p>
      {signInLink ? <a href={`${UI_ROOT}/sign-in`}>Sign in with another token</a> : <a href={`${UI_ROOT}/models`}>Back to the models</a>}
    </p>
  </Layout>
);
