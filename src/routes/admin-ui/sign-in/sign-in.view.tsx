/** @jsxImportSource hono/jsx */
/** The sign-in page: one field for the admin token; a refused token comes back here with the reason beside the field. */
import type { FC } from "hono/jsx";
import type { Principal } from "../../../auth/principal";
import { Field, Layout, Notice, UI_ROOT } from "../layout";

export const SignInPage: FC<{ tokenError?: string | undefined; notice?: string | undefined }> = ({ tokenError, notice }) => (
  <Layout title="Sign in">
    <div class="signin">
      <h1>Sign in to the model catalog</h1>
      {notice ? <Notice kind="warning">{notice}</Notice> : null}
      <form method="post" action={`${UI_ROOT}/sign-in`}>
        <Field
          id="token"
          name="token"
          label="Admin token"
          hint="Paste a JWT with the admin role, e.g. the output of: npm run -s token -- --role admin --sub yourname"
          errors={tokenError ? { token: [tokenError] } : undefined}
          required
        >
          {/* A one-line field, so Enter submits the form as in any sign-in form (a JWT has no line breaks). */}
          {(attributes) => <input {...attributes} type="password" autocomplete="off" spellcheck={false} autofocus />}
        </Field>
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </div>
  </Layout>
);

/** A valid token without the admin role: the sign-in form again, saying whose token it was and what it lacks. */
export const NotAdminSignIn: FC<{ principal: Principal }> = ({ principal: { subject, role } }) => (
  <SignInPage
    tokenError={`The token for ${subject} has ${role ? `the role "${role}"` : "no role"}. The dashboard needs a token with the role admin or super_admin.`}
  />
);
