/**
 * The Schedule change form as the scheduling API's request: the action
 * chosen, the body its immediate route takes (built as that route's dashboard
 * dialog builds it), the effective instant in UTC and the reason. Checked
 * afterwards with the API's own ScheduleChangeSchema; its issues (`body.*`)
 * come back beside the fields of the same names.
 */
import type { ModelRow } from "../../../../drizzle/schema";
import { canonicalJson } from "../../../domain/canonical-json";
import type { ModelAction } from "../../../lifecycle/transitions";
import type { ScheduledAction } from "../../../scheduled-changes/inputs";
import { type FieldValues, type FormFields, fieldErrorsOf, text } from "../forms";
import type { FieldErrors } from "../layout";
import { editMetaValuesOf, metaPatchInput } from "./edit-meta-form";
import { markLegacyInput } from "./mark-legacy";

/** The actions the scheduling API accepts on a model, as the form offers them. */
export const SCHEDULED_ACTION_LABELS: Record<ModelAction, string> = {
  update_meta: "Update meta",
  mark_legacy: "Mark legacy",
  unmark_legacy: "Unmark legacy",
  archive: "Archive",
  unarchive: "Unarchive",
};

/** A pending change as the page names it: the model actions and an alias's re-point (scheduled through the API). */
export const SCHEDULED_CHANGE_LABELS: Record<ScheduledAction, string> = { ...SCHEDULED_ACTION_LABELS, repoint: "Re-point alias" };

/** `<input type="datetime-local">` gives "2027-01-01T09:30" (no zone): the form says it is UTC. */
export function effectiveAtOf(value: string): string {
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(trimmed)) return `${trimmed}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(trimmed)) return `${trimmed}Z`;
  return trimmed;
}

const asForm = (values: FieldValues): FormFields => values;

/**
 * Only the meta fields the form changed from the model's current meta: a
 * plan to change a price must not also bring back, when it applies, every
 * other field as it was when it was planned.
 */
function changedMeta(form: FormFields, model: ModelRow): { body: Record<string, unknown>; errors?: FieldErrors } {
  const { patch, errors } = metaPatchInput(form);
  if (errors) return { body: {}, errors };
  const current = metaPatchInput(asForm(editMetaValuesOf(model.meta))).patch;
  const body = Object.fromEntries(Object.entries(patch).filter(([key, value]) => canonicalJson(value) !== canonicalJson(current[key])));
  if (Object.keys(body).length === 0) return { body, errors: { action: ["Change at least one meta field below for Update meta."] } };
  return { body };
}

const defined = (entries: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));

function bodyOf(action: string, form: FormFields, model: ModelRow): { body: Record<string, unknown>; errors?: FieldErrors } {
  switch (action) {
    case "update_meta":
      return changedMeta(form, model);
    case "mark_legacy":
      return { body: defined(markLegacyInput(form)) };
    case "archive":
      return { body: { reason: text(form, "reason") } };
    default:
      return { body: {} };
  }
}

/** The API request the form stands for, or errors for what could not even be read (JSON that is not JSON). */
export function scheduleInput(form: FormFields, model: ModelRow) {
  const action = text(form, "action");
  const { body, errors } = bodyOf(action, form, model);
  const reason = text(form, "reason").trim();
  const input = { modelId: model.id, action, body, effectiveAt: effectiveAtOf(text(form, "effectiveAt")), ...(reason && { reason }) };
  return errors ? { input, errors } : { input };
}

/** The schema's issues beside the fields: `body.sunsetDate` beside Sunset date, a body-wide one beside Action. */
export function scheduleFieldErrors(issues: readonly { path?: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const errors = fieldErrorsOf(
    issues.map((issue) => {
      const path = issue.path?.[0] === "body" ? issue.path.slice(1) : (issue.path ?? []);
      return { path: path.length ? path : ["action"], message: issue.message };
    }),
  );
  const { _form, ...rest } = errors;
  return _form ? { ...rest, action: [...(rest.action ?? []), ..._form] } : rest;
}
