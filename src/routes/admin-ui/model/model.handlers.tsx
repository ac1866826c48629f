/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { latestHistory } from "../../../catalog/as-of";
import { MODEL_ID_PATTERN } from "../../../domain/model-meta";
import { ApiError } from "../../../http/errors";
import { aliasesOf } from "../../../queries/aliases";
import { auditTrail } from "../../../queries/audit";
import { liveModelIdsOf, modelById } from "../../../queries/models";
import { pendingChangesOf } from "../../../queries/scheduled-changes";
import { dialogNamed } from "../dialogs";
import { ITEM_FIELDS, type OpenDialog } from "../dialogs/dialog";
import { type FormFields, fieldErrorsOfApiError, submittedValues, text } from "../forms";
import { UI_ROOT } from "../layout";
import type { AdminUiEnv } from "../session";
import { modelUsageSummary } from "../usage/model-usage";
import { ModelPage } from "./model.view";
import { HISTORY_SHOWN } from "./model-sections";

const AUDIT_PAGE_SIZE = 50;
/** How many live models of the same provider the Target model field suggests. */
const TARGET_SUGGESTIONS = 200;

function modelId(id: string | undefined): string {
  if (!id || !MODEL_ID_PATTERN.test(id)) throw new ApiError("not_found", "There is no model with this id.");
  return id;
}

/** The model page, optionally with a dialog re-opened (errors, conflict) or a success notice. */
async function renderModelPage(
  c: Context<AdminUiEnv>,
  id: string,
  options: { dialog?: OpenDialog; done?: string | undefined; auditBefore?: number | undefined; status?: ContentfulStatusCode } = {},
) {
  const db = c.var.services.db;
  const model = await modelById(db, id);
  if (!model) throw new ApiError("not_found", `There is no model ${id}.`);
  const trail = await auditTrail(db, id, AUDIT_PAGE_SIZE, options.auditBefore);
  const usage = await modelUsageSummary(db, id, new Date());
  return c.html(
    <ModelPage
      session={c.var.session}
      model={model}
      audit={trail.entries}
      aliases={await aliasesOf(db, id)}
      pending={await pendingChangesOf(db, id)}
      history={await latestHistory(db, id, HISTORY_SHOWN)}
      targets={(await liveModelIdsOf(db, model.provider, TARGET_SUGGESTIONS)).filter((target) => target !== id)}
      auditNext={trail.nextCursor}
      usage={usage}
      done={options.done}
      dialog={options.dialog}
    />,
    options.status ?? 200,
  );
}

export function showModel(c: Context<AdminUiEnv>) {
  const before = Number(c.req.query("audit_before"));
  return renderModelPage(c, modelId(c.req.param("id")), {
    done: dialogNamed(c.req.query("done"))?.done,
    auditBefore: Number.isSafeInteger(before) && before > 0 ? before : undefined,
  });
}

/** A dialog's form: done, then a 303 back to the page; refused, the page with the dialog open again and why. */
export async function submitDialog(c: Context<AdminUiEnv>) {
  const id = modelId(c.req.param("id"));
  const spec = dialogNamed(c.req.param("action"));
  if (!spec) throw new ApiError("not_found", "There is no such action.");
  const form: FormFields = await c.req.parseBody({ all: true });
  const item = spec.item && text(form, ITEM_FIELDS[spec.item]);
  const refuse = (status: ContentfulStatusCode, dialog: Omit<OpenDialog, "name" | "values">) =>
    renderModelPage(c, id, { status, dialog: { name: spec.name, item, values: submittedValues(form), ...dialog } });

  try {
    const refusal = await spec.submit({
      id,
      form,
      lifecycle: c.var.services.lifecycle(c.var.session.principal.subject),
      scheduling: c.var.services.scheduledChanges(c.var.session.principal.subject),
      db: c.var.services.db,
      ifMatch: c.req.header("If-Match"),
    });
    if (refusal) return refuse(refusal.status, { message: refusal.message, errors: refusal.errors });
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
    return refuse(error.status as ContentfulStatusCode, { message: `Nothing was changed: ${error.message}.`, ...(errors && { errors }) });
  }
  return c.redirect(`${UI_ROOT}/models/${encodeURIComponent(id)}?done=${spec.name}`, 303);
}
