/**
 * From HTML form fields to the API's request bodies, which are then checked
 * with the API's own zod schemas; and from zod issues or lifecycle error
 * details back to messages beside the fields.
 */
import type { z } from "zod";
import type { ModelMeta } from "../../domain/model-meta";
import type { ApiError } from "../../http/errors";
import type { FieldErrors } from "./layout";

/** A form as parsed by Hono (`parseBody({ all: true })`): repeated fields become arrays. */
export type FormFields = Record<string, string | File | (string | File)[]>;

/** Form values to render back: strings, or lists for checkboxes. */
export type EditMetaValues = Record<string, string | string[]>;

export function text(form: FormFields, name: string): string {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
}

function list(form: FormFields, name: string): string[] {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === "string");
}

/** The fields as sent, for rendering the form again after an error. */
export function submittedValues(form: FormFields): EditMetaValues {
  const values: EditMetaValues = {};
  for (const key of Object.keys(form)) values[key] = Array.isArray(form[key]) ? list(form, key) : text(form, key);
  return values;
}

const optionalText = (form: FormFields, name: string) => text(form, name).trim() || undefined;

/** Mark legacy: empty fields are left out; a date from `<input type="date">` means midnight UTC. */
export function markLegacyInput(form: FormFields) {
  const sunset = optionalText(form, "sunsetDate");
  return {
    replacementModelId: optionalText(form, "replacementModelId"),
    deprecationNotice: optionalText(form, "deprecationNotice"),
    sunsetDate: sunset && /^\d{4}-\d{2}-\d{2}$/.test(sunset) ? `${sunset}T00:00:00Z` : sunset,
  };
}

export const archiveInput = (form: FormFields) => ({ reason: text(form, "reason") });

const NUMBER_FIELDS = [
  "contextLength",
  "maxOutputTokens",
  "inputCostPerMillionTokens",
  "outputCostPerMillionTokens",
  "creditsPer1kTokens",
] as const;
const REQUIRED_TEXT_FIELDS = ["displayName", "requiredTier", "tierRestrictionMode"] as const;
const OPTIONAL_TEXT_FIELDS = ["description", "version", "internalNotes"] as const;
const LIST_FIELDS = ["allowedTiers", "capabilities"] as const;

/**
 * Edit meta: the whole editable meta as a patch (the If-Match version makes
 * sure it was filled from the current one). An empty optional field removes
 * the key (null, as in the API's merge patch); a number field that is not a
 * number is passed on as text so the schema names the field. Returns the
 * patch, or field errors for what cannot even be parsed (provider metadata
 * that is not JSON).
 */
export function metaPatchInput(form: FormFields): { patch: Record<string, unknown>; errors?: FieldErrors } {
  const patch: Record<string, unknown> = {};
  for (const field of REQUIRED_TEXT_FIELDS) patch[field] = text(form, field);
  for (const field of OPTIONAL_TEXT_FIELDS) patch[field] = text(form, field) === "" ? null : text(form, field);
  for (const field of NUMBER_FIELDS) {
    const raw = text(form, field).trim();
    if (raw === "") patch[field] = field === "maxOutputTokens" ? null : undefined;
    else patch[field] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  for (const field of LIST_FIELDS) patch[field] = list(form, field);
  const tags = text(form, "complianceTags")
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
  patch.complianceTags = tags.length ? tags : null;
  const metadata = text(form, "providerMetadata").trim();
  if (metadata === "") patch.providerMetadata = null;
  else {
    try {
      patch.providerMetadata = JSON.parse(metadata);
    } catch {
      return { patch, errors: { providerMetadata: ["is not valid JSON"] } };
    }
  }
  // A required number left empty: let the schema say it is required.
  for (const field of NUMBER_FIELDS) if (patch[field] === undefined) patch[field] = "";
  return { patch };
}

/** The form's initial values for a meta. */
export function editMetaValuesOf(meta: ModelMeta): EditMetaValues {
  const values: EditMetaValues = {};
  for (const field of [...REQUIRED_TEXT_FIELDS, ...OPTIONAL_TEXT_FIELDS, ...NUMBER_FIELDS]) {
    const value = meta[field];
    values[field] = value === undefined ? "" : String(value);
  }
  for (const field of LIST_FIELDS) values[field] = [...meta[field]];
  values.complianceTags = (meta.complianceTags ?? []).join(", ");
  values.providerMetadata = meta.providerMetadata === undefined ? "" : JSON.stringify(meta.providerMetadata, null, 2);
  return values;
}

/** zod issues by field (the first path element that names one). */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[] | readonly { path?: unknown; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = Array.isArray(issue.path) ? issue.path.filter((part) => part !== "meta") : [];
    const field = typeof path[0] === "string" ? path[0] : "_form";
    errors[field] = [...(errors[field] ?? []), humanMessage(issue.message)];
  }
  return errors;
}

/** zod's "Invalid input: expected number, received string" reads better without the prefix. */
const humanMessage = (message: string) => message.replace(/^Invalid input: /, "");

/** A lifecycle refusal as field errors when it names fields (bad replacement, sunset in the past), else none. */
export function fieldErrorsOfApiError(error: ApiError): FieldErrors | undefined {
  const details = error.options.details;
  if (!Array.isArray(details) || details.length === 0) return undefined;
  const errors = fieldErrorsOf(details as { path?: unknown; message: string }[]);
  return Object.keys(errors).some((key) => key !== "_form") ? errors : undefined;
}
