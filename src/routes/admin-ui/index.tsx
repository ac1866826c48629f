/** @jsxImportSource hono/jsx */
/**
 * The staff dashboard at /admin/ui: server-rendered HTML, plain forms
 * (POST, then a 303 back to a page), no client build step. Not part of the
 * OpenAPI document: it answers HTML, never JSON.
 *
 * Every write goes through the same Lifecycle service as the JSON API, with
 * the API's zod schemas, as the signed-in token's subject. Every failure is
 * a page: a refusal, a form with errors beside its fields, or an error page
 * with the request id; never a blank page or a JSON body.
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MODEL_ID_PATTERN, ModelMetaPatchSchema } from "../../domain/model-meta";
import { MAX_BODY_BYTES } from "../../http/body";
import type { AppEnv } from "../../http/context";
import { ApiError } from "../../http/errors";
import { describeError, toApiError } from "../../http/failures";
import { ArchiveRequestSchema, LegacyOptionsSchema } from "../../lifecycle/inputs";
import { log } from "../../log";
import { auditTrail } from "../../queries/audit";
import { modelById, providerNames, StaffModelFiltersSchema, staffModelPage, sunsetDueModels } from "../../queries/models";
import {
  archiveInput,
  type FormFields,
  fieldErrorsOf,
  fieldErrorsOfApiError,
  markLegacyInput,
  metaPatchInput,
  submittedValues,
  text,
} from "./forms";
import { UI_ROOT } from "./layout";
import { type DialogName, ModelPage, type OpenDialog } from "./model-page";
import { ModelsPage } from "./models-page";
import {
  type AdminUiEnv,
  CSRF_FIELD,
  checkToken,
  csrfTokenMatches,
  endSession,
  type StaffSession,
  sessionFromCookie,
  startSession,
} from "./session";
import { MessagePage, SignInPage } from "./sign-in-page";
import { SUNSET_WINDOW_DAYS, SunsetsPage } from "./sunsets-page";

const ACTIONS: readonly DialogName[] = ["mark-legacy", "unmark-legacy", "archive", "unarchive", "edit-meta"];
const isAction = (value: string | undefined): value is DialogName => ACTIONS.includes(value as DialogName);
const FORM_CONTENT_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;
const AUDIT_PAGE_SIZE = 50;

/** Scripts and styles from this origin only: even a rendering bug could not run injected script. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

class CrossSiteRequest extends Error {}

export const adminUi = new Hono<AdminUiEnv>();

adminUi.use(async (c, next) => {
  await next();
  c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "same-origin");
});

adminUi.use(
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.html(<MessagePage title="Too much data" message="The form sent more data than the dashboard accepts." />, 413),
  }),
);

// CSRF, first check: a state change must come from this origin (Origin or Sec-Fetch-Site), whatever the cookie.
const originCheck = csrf();
adminUi.use(async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  if (!FORM_CONTENT_TYPE.test(c.req.header("Content-Type") ?? "")) {
    return c.html(<MessagePage title="Not a form" message="The dashboard accepts only HTML form submissions." />, 415);
  }
  try {
    await originCheck(c, async () => {});
  } catch (error) {
    if (error instanceof HTTPException) throw new CrossSiteRequest();
    throw error;
  }
  return next();
});

adminUi.get("/", (c) => c.redirect(`${UI_ROOT}/models`, 303));

adminUi.get("/sign-in", (c) => {
  const notice = c.req.query("session") === "expired" ? "Your session has ended. Sign in again." : undefined;
  return c.html(<SignInPage notice={notice} />);
});

adminUi.post("/sign-in", async (c) => {
  const form: FormFields = await c.req.parseBody({ all: true });
  const token = text(form, "token").trim();
  if (!token) return c.html(<SignInPage tokenError="Paste an admin token." />, 400);
  const check = await checkToken(c, token);
  if (check.kind === "invalid") return c.html(<SignInPage tokenError={`This token was not accepted: ${check.message}.`} />, 401);
  if (check.kind === "not_admin") return c.html(<NotAdminPage subject={check.principal.subject} role={check.principal.role} />, 403);
  if (check.kind !== "signed_in") return c.html(<SignInPage tokenError="Paste an admin token." />, 400);
  startSession(c, check.token, check.session.expiresAt);
  return c.redirect(`${UI_ROOT}/models`, 303);
});

const NotAdminPage = ({ subject, role }: { subject: string; role: string | undefined }) => (
  <MessagePage
    title="Not an admin token"
    message={`The token for ${subject} has ${role ? `the role "${role}"` : "no role"}. The dashboard needs a token with the role admin or super_admin.`}
    signInLink
  />
);

// Everything below needs a session; POSTs also need the session's CSRF token.
adminUi.use(async (c, next) => {
  const check = await sessionFromCookie(c);
  if (check.kind === "none") return c.redirect(`${UI_ROOT}/sign-in`, 303);
  if (check.kind === "invalid") {
    endSession(c);
    return c.redirect(`${UI_ROOT}/sign-in?session=expired`, 303);
  }
  if (check.kind === "not_admin") return c.html(<NotAdminPage subject={check.principal.subject} role={check.principal.role} />, 403);
  c.set("session", check.session);
  if (c.req.method === "POST") {
    const form: FormFields = await c.req.parseBody({ all: true });
    if (!csrfTokenMatches(check.session, form[CSRF_FIELD])) throw new CrossSiteRequest();
  }
  return next();
});

adminUi.post("/sign-out", (c) => {
  endSession(c);
  return c.redirect(`${UI_ROOT}/sign-in`, 303);
});

adminUi.get("/models", async (c) => {
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value !== ""));
  const db = c.var.services.db;
  const parsed = StaffModelFiltersSchema.safeParse(raw);
  if (!parsed.success) {
    const providers = await providerNames(db);
    return c.html(
      <ModelsPage session={c.var.session} filters={raw} errors={fieldErrorsOf(parsed.error.issues)} providers={providers} />,
      400,
    );
  }
  const page = await staffModelPage(db, parsed.data);
  return c.html(<ModelsPage session={c.var.session} filters={raw} page={page} providers={page.providers} />);
});

adminUi.get("/sunsets", async (c) => {
  const now = new Date();
  const models = await sunsetDueModels(c.var.services.db, new Date(now.getTime() + SUNSET_WINDOW_DAYS * 86_400_000));
  return c.html(<SunsetsPage session={c.var.session} models={models} now={now} />);
});

function modelId(id: string | undefined): string {
  if (!id || !MODEL_ID_PATTERN.test(id)) throw new ApiError("not_found", "There is no model with this id.");
  return id;
}

/** The model page, optionally with a dialog re-opened (errors, conflict) or a success notice. */
async function renderModelPage(
  c: Context<AdminUiEnv>,
  id: string,
  options: { dialog?: OpenDialog; done?: DialogName; auditBefore?: number; status?: ContentfulStatusCode } = {},
) {
  const db = c.var.services.db;
  const model = await modelById(db, id);
  if (!model) throw new ApiError("not_found", `There is no model ${id}.`);
  const trail = await auditTrail(db, id, AUDIT_PAGE_SIZE, options.auditBefore);
  return c.html(
    <ModelPage
      session={c.var.session}
      model={model}
      audit={trail.entries}
      auditNext={trail.nextCursor}
      done={options.done}
      dialog={options.dialog}
    />,
    options.status ?? 200,
  );
}

adminUi.get("/models/:id", async (c) => {
  const done = c.req.query("done");
  const before = Number(c.req.query("audit_before"));
  return renderModelPage(c, modelId(c.req.param("id")), {
    done: isAction(done) ? done : undefined,
    auditBefore: Number.isSafeInteger(before) && before > 0 ? before : undefined,
  });
});

/** If-Match from the header (a script may send it) or the form's field: the version the form was filled from. */
function ifMatchVersion(header: string | undefined, field: string): number | undefined | "malformed" {
  const value = (header ?? field).trim();
  if (value === "" || value === "*") return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(value);
  return match ? Number(match[1]) : "malformed";
}

adminUi.post("/models/:id/:action", async (c) => {
  const id = modelId(c.req.param("id"));
  const action = c.req.param("action");
  if (!isAction(action)) throw new ApiError("not_found", "There is no such action.");
  const form: FormFields = await c.req.parseBody({ all: true });
  const lifecycle = c.var.services.lifecycle(c.var.session.principal.subject);
  const values = submittedValues(form);
  const refuse = (status: ContentfulStatusCode, dialog: Omit<OpenDialog, "name" | "values">) =>
    renderModelPage(c, id, { status, dialog: { name: action, values, ...dialog } });
  const invalid = (issues: Parameters<typeof fieldErrorsOf>[0]) =>
    refuse(400, { message: "Nothing was changed: check the fields marked below.", errors: fieldErrorsOf(issues) });

  try {
    switch (action) {
      case "mark-legacy": {
        const input = LegacyOptionsSchema.safeParse(markLegacyInput(form));
        if (!input.success) return invalid(input.error.issues);
        await lifecycle.markAsLegacy(id, input.data);
        break;
      }
      case "unmark-legacy":
        await lifecycle.unmarkLegacy(id);
        break;
      case "archive": {
        const input = ArchiveRequestSchema.safeParse(archiveInput(form));
        if (!input.success) return invalid(input.error.issues);
        await lifecycle.archive(id, input.data.reason);
        break;
      }
      case "unarchive":
        await lifecycle.unarchive(id);
        break;
      case "edit-meta": {
        const version = ifMatchVersion(c.req.header("If-Match"), text(form, "ifMatch"));
        if (version === "malformed") return refuse(400, { message: "The form is out of date; reload the page and edit again." });
        const { patch, errors } = metaPatchInput(form);
        if (errors) return refuse(400, { message: "Nothing was changed: check the fields marked below.", errors });
        const input = ModelMetaPatchSchema.safeParse(patch);
        if (!input.success) return invalid(input.error.issues);
        await lifecycle.updateModelMeta(id, input.data, version);
        break;
      }
    }
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500 || error.code === "not_found") throw error;
    if (error.code === "precondition_failed") {
      return refuse(412, {
        conflict: true,
        message:
          "Someone else changed this model while you were editing it, so your changes were not saved. " +
          "The form now shows the current values: make your changes again and save.",
      });
    }
    const errors = fieldErrorsOfApiError(error);
    return refuse(error.status as ContentfulStatusCode, {
      message: `Nothing was changed: ${error.message}.`,
      ...(errors && { errors }),
    });
  }
  return c.redirect(`${UI_ROOT}/models/${encodeURIComponent(id)}?done=${action}`, 303);
});

adminUi.all("*", () => {
  throw new ApiError("not_found", "There is no such page in the dashboard.");
});

const ERROR_TITLES: Partial<Record<number, string>> = { 404: "Not found", 409: "Conflict", 503: "Temporarily unavailable" };

export const isDashboardPath = (path: string) => path === UI_ROOT || path.startsWith(`${UI_ROOT}/`);

/**
 * Every failure on a dashboard path as a page: the dashboard's own, and the
 * app's middleware that runs before it (configuration, query-string bounds),
 * which the app's error handler hands over here.
 */
export function dashboardErrorPage<E extends AppEnv>(error: unknown, c: Context<E>) {
  // Set once the session was checked; before that (or on the sign-in page) the page has no session bar.
  const session = (c.var as { session?: StaffSession }).session;
  if (error instanceof CrossSiteRequest) {
    return c.html(
      <MessagePage
        title="Request refused"
        message="This request did not come from a dashboard page (a cross-site request or a stale form), so nothing was changed. Reload the page and try again."
        session={session}
      />,
      403,
    );
  }
  const requestId = c.get("requestId");
  const apiError = toApiError(error);
  if (apiError.status < 500) {
    return c.html(
      <MessagePage
        title={ERROR_TITLES[apiError.status] ?? "Request refused"}
        message={apiError.message}
        session={session}
        requestId={requestId}
      />,
      apiError.status as ContentfulStatusCode,
    );
  }
  log.error("request_failed", {
    requestId,
    code: apiError.code,
    method: c.req.method,
    path: c.req.path.slice(0, 200),
    error: describeError(apiError.cause ?? error),
  });
  const unavailable = apiError.status === 503;
  return c.html(
    <MessagePage
      title={unavailable ? "Temporarily unavailable" : "Something went wrong"}
      message={
        unavailable
          ? `${apiError.message}. Nothing was lost; try again in a moment.`
          : "The dashboard could not complete this request. Nothing was changed unless the page says so; try again."
      }
      session={session}
      requestId={requestId}
    />,
    unavailable ? 503 : 500,
  );
}

adminUi.onError(dashboardErrorPage);
