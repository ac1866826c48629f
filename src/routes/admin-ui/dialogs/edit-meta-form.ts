/**
 * The edit-meta form, derived from the API's editable meta schema: each
 * field's input kind, options and optionality come from its zod schema, its
 * label from its name; how its form value becomes the API's merge patch
 * (checked afterwards with the API's own schema) follows from its kind.
 * LAYOUT only places fields and names them where the name alone would not
 * say enough: a new meta field needs no entry (it is appended), one entry to
 * place it.
 */
import type { z } from "@hono/zod-openapi";
import { EditableMetaFields, type ModelMeta } from "../../../domain/model-meta";
import { type FieldValues, type FormFields, list, text } from "../forms";
import type { FieldErrors } from "../layout";

type EditableField = keyof typeof EditableMetaFields.shape & keyof ModelMeta;

export interface MetaFormField {
  field: EditableField;
  label: string;
  /**
   * text, textarea, number, date, boolean (yes / no / not stated), select: one value; checkboxes: a list;
   * groups: a list per key (`field.key`); tags: comma-separated; json: a JSON value.
   */
  kind: "text" | "textarea" | "number" | "date" | "boolean" | "select" | "checkboxes" | "groups" | "tags" | "json";
  /** Empty removes the key (null in the merge patch); else empty is sent as "" so the schema says it is required. */
  optional: boolean;
  options?: readonly string[];
  groups?: readonly { key: string; options: readonly string[] }[];
  hint?: string;
}

type Placement = { field: EditableField; label?: string; hint?: string };

/** In the order of the form; a nested list is shown in two columns. Fields not named here follow at the end. */
const LAYOUT: readonly (Placement | readonly Placement[])[] = [
  { field: "displayName" },
  { field: "description" },
  [
    { field: "version" },
    { field: "releaseDate" },
    { field: "contextLength" },
    { field: "maxOutputTokens" },
    { field: "inputCostPerMillionTokens" },
    { field: "outputCostPerMillionTokens" },
    { field: "cacheReadCostPerMillionTokens" },
    { field: "cacheWriteCostPerMillionTokens" },
    { field: "creditsPer1kTokens" },
    { field: "knowledgeCutoff", hint: "YYYY-MM or YYYY-MM-DD" },
    { field: "requiredTier" },
    { field: "tierRestrictionMode" },
  ],
  { field: "allowedTiers" },
  { field: "capabilities" },
  { field: "modalities" },
  [{ field: "reasoning" }, { field: "structuredOutputs" }, { field: "openWeights" }],
  { field: "regions", hint: "Comma-separated lowercase codes such as us, eu, apac." },
  { field: "rateLimits", label: "Rate limits (JSON)", hint: 'Per tier: {"pro": {"requestsPerMinute": 500, "tokensPerMinute": 300000}}' },
  { field: "internalNotes", hint: "Staff only; never shown to clients." },
  { field: "complianceTags", hint: "Comma-separated. Staff only." },
  { field: "providerMetadata", label: "Provider metadata (JSON)", hint: "A JSON object. Staff only." },
];

/** `cacheReadCostPerMillionTokens` -> "Cache read cost per million tokens"; `creditsPer1kTokens` -> "Credits per 1k tokens". */
export function labelOf(field: string): string {
  const words = field.split(/(?=[A-Z])|(?<=[a-z])(?=\d)/).map((word) => word.toLowerCase());
  const sentence = words.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

type Schema = z.core.$ZodType;
type Def = {
  type: string;
  innerType?: Schema;
  element?: Schema;
  entries?: Record<string, string>;
  shape?: Record<string, Schema>;
  format?: string;
};
const defOf = (schema: Schema) => schema._zod.def as Def;
const enumOptions = (schema: Schema | undefined): readonly string[] | undefined => {
  const def = schema && defOf(schema);
  return def?.type === "enum" && def.entries ? Object.values(def.entries) : undefined;
};

/** How a field's schema is edited in a form. */
function inputOf(schema: Schema): Pick<MetaFormField, "kind" | "optional" | "options" | "groups"> {
  const optional = defOf(schema).type === "optional";
  const inner = optional ? (defOf(schema).innerType as Schema) : schema;
  const def = defOf(inner);
  const options = enumOptions(inner);
  if (options) return { kind: "select", optional, options };
  switch (def.type) {
    case "number":
      return { kind: "number", optional };
    case "boolean":
      return { kind: "boolean", optional };
    case "string": {
      if (def.format === "date") return { kind: "date", optional };
      const maximum = (inner as unknown as { maxLength?: number | null }).maxLength ?? 0;
      return { kind: maximum > 255 ? "textarea" : "text", optional };
    }
    case "array": {
      const itemOptions = enumOptions(def.element);
      return itemOptions ? { kind: "checkboxes", optional, options: itemOptions } : { kind: "tags", optional };
    }
    case "object": {
      const groups = Object.entries(def.shape ?? {}).map(([key, value]) => {
        const itemOptions = defOf(value).type === "array" ? enumOptions(defOf(value).element) : undefined;
        return itemOptions && { key, options: itemOptions };
      });
      if (groups.every((group) => group !== undefined)) return { kind: "groups", optional, groups };
      return { kind: "json", optional };
    }
    default:
      return { kind: "json", optional };
  }
}

const fieldOf = ({ field, label, hint }: Placement): MetaFormField => ({
  field,
  label: label ?? labelOf(field),
  ...inputOf(EditableMetaFields.shape[field]),
  ...(hint !== undefined && { hint }),
});

const placed = new Set(LAYOUT.flat().map((placement) => placement.field));
const unplaced = (Object.keys(EditableMetaFields.shape) as EditableField[]).filter((field) => !placed.has(field));

/** The form: every editable meta field once, in LAYOUT's order, the others after it. */
export const META_FORM: readonly (MetaFormField | readonly MetaFormField[])[] = [
  ...LAYOUT.map((entry) => (Array.isArray(entry) ? entry.map(fieldOf) : fieldOf(entry as Placement))),
  ...unplaced.map((field) => fieldOf({ field })),
];

const FIELDS: readonly MetaFormField[] = META_FORM.flat();

/** The form field names of a `groups` field: `modalities.input`, `modalities.output`. */
export const groupName = (field: string, key: string) => `${field}.${key}`;

/** One field's form value as patch value; `undefined` when it cannot even be parsed (JSON that is not JSON). */
function patchValue(form: FormFields, { field, kind, optional, groups }: MetaFormField): { value: unknown } | undefined {
  const empty = optional ? null : "";
  switch (kind) {
    case "checkboxes":
      return { value: list(form, field) };
    case "groups": {
      const value = Object.fromEntries((groups ?? []).map(({ key }) => [key, list(form, groupName(field, key))]));
      return { value: Object.values(value).every((items) => items.length === 0) ? empty : value };
    }
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
    case "boolean": {
      const raw = text(form, field);
      return { value: raw === "" ? empty : raw === "true" ? true : raw === "false" ? false : raw };
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
  for (const { field, kind, groups } of FIELDS) {
    const value: unknown = meta[field];
    if (kind === "checkboxes") values[field] = Array.isArray(value) ? value.map(String) : [];
    else if (kind === "groups") {
      for (const { key } of groups ?? []) {
        const items = (value as Record<string, unknown> | undefined)?.[key];
        values[groupName(field, key)] = Array.isArray(items) ? items.map(String) : [];
      }
    } else if (kind === "tags") values[field] = Array.isArray(value) ? value.join(", ") : "";
    else if (kind === "json") values[field] = value === undefined ? "" : JSON.stringify(value, null, 2);
    else values[field] = value === undefined || value === null ? "" : String(value);
  }
  return values;
}
