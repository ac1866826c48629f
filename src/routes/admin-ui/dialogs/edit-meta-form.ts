/**
 * The edit-meta form as one table: each editable meta field once, with how
 * it is shown and how its form value becomes the API's merge patch (checked
 * afterwards with the API's own schema). A new meta field is one entry here.
 */
import { MODEL_CAPABILITIES, type ModelMeta, SUBSCRIPTION_TIERS, TierRestrictionModeSchema } from "../../../domain/model-meta";
import { type FieldValues, type FormFields, list, text } from "../forms";
import type { FieldErrors } from "../layout";

export interface MetaFormField {
  field: keyof ModelMeta & string;
  label: string;
  /** text, number, textarea, select: one value; checkboxes: a list; tags: comma-separated; json: a JSON object. */
  kind: "text" | "number" | "textarea" | "select" | "checkboxes" | "tags" | "json";
  /** Empty removes the key (null in the merge patch); else empty is sent as "" so the schema says it is required. */
  optional?: boolean;
  options?: readonly string[];
  hint?: string;
}

/** In the order of the form; a nested list is shown in two columns. */
export const META_FORM: readonly (MetaFormField | readonly MetaFormField[])[] = [
  { field: "displayName", label: "Display name", kind: "text" },
  { field: "description", label: "Description", kind: "textarea", optional: true },
  [
    { field: "version", label: "Version", kind: "text", optional: true },
    { field: "contextLength", label: "Context length", kind: "number" },
    { field: "maxOutputTokens", label: "Max output tokens", kind: "number", optional: true },
    { field: "creditsPer1kTokens", label: "Credits per 1k tokens", kind: "number" },
    { field: "inputCostPerMillionTokens", label: "Input cost per million tokens", kind: "number" },
    { field: "outputCostPerMillionTokens", label: "Output cost per million tokens", kind: "number" },
    { field: "requiredTier", label: "Required tier", kind: "select", options: SUBSCRIPTION_TIERS },
    { field: "tierRestrictionMode", label: "Tier restriction mode", kind: "select", options: TierRestrictionModeSchema.options },
  ],
  { field: "allowedTiers", label: "Allowed tiers", kind: "checkboxes", options: SUBSCRIPTION_TIERS },
  { field: "capabilities", label: "Capabilities", kind: "checkboxes", options: MODEL_CAPABILITIES },
  { field: "internalNotes", label: "Internal notes", kind: "textarea", optional: true, hint: "Staff only; never shown to clients." },
  { field: "complianceTags", label: "Compliance tags", kind: "tags", optional: true, hint: "Comma-separated. Staff only." },
  { field: "providerMetadata", label: "Provider metadata (JSON)", kind: "json", optional: true, hint: "A JSON object. Staff only." },
];

const FIELDS: readonly MetaFormField[] = META_FORM.flat();

/** One field's form value as patch value; `undefined` when it cannot even be parsed (JSON that is not JSON). */
function patchValue(form: FormFields, { field, kind, optional }: MetaFormField): { value: unknown } | undefined {
  const empty = optional ? null : "";
  switch (kind) {
    case "checkboxes":
      return { value: list(form, field) };
    case "tags": {
      const tags = text(form, field)
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean);
      return { value: tags.length ? tags : empty };
    }
    case "json": {
      const raw = text(form, field).trim();
      if (raw === "") return { value: empty };
      try {
        return { value: JSON.parse(raw) };
      } catch {
        return undefined;
      }
    }
    case "number": {
      // A number field that is not a number is passed on as text, so the schema names the field.
      const raw = text(form, field).trim();
      return { value: raw === "" ? empty : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw };
    }
    default: {
      const raw = text(form, field);
      return { value: raw === "" ? empty : raw };
    }
  }
}

/**
 * The whole editable meta as a merge patch (the If-Match version makes sure
 * it was filled from the current one), or field errors for what cannot even
 * be parsed.
 */
export function metaPatchInput(form: FormFields): { patch: Record<string, unknown>; errors?: FieldErrors } {
  const patch: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const field of FIELDS) {
    const parsed = patchValue(form, field);
    if (parsed) patch[field.field] = parsed.value;
    else errors[field.field] = ["is not valid JSON"];
  }
  return Object.keys(errors).length ? { patch, errors } : { patch };
}

/** The form's initial values for a meta. */
export function editMetaValuesOf(meta: ModelMeta): FieldValues {
  const values: FieldValues = {};
  for (const { field, kind } of FIELDS) {
    const value: unknown = meta[field];
    if (kind === "checkboxes") values[field] = Array.isArray(value) ? value.map(String) : [];
    else if (kind === "tags") values[field] = Array.isArray(value) ? value.join(", ") : "";
    else if (kind === "json") values[field] = value === undefined ? "" : JSON.stringify(value, null, 2);
    else values[field] = value === undefined || value === null ? "" : String(value);
  }
  return values;
}
