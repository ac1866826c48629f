/**
 * The dashboard's edit-meta form is derived from the API's editable meta
 * schema: every field appears once, with the input its schema calls for, and
 * a meta shown in the form comes back from it unchanged.
 */
import { describe, expect, it } from "vitest";
import { EditableMetaFields, type ModelMeta, ModelMetaPatchSchema } from "../../src/domain/model-meta";
import { editMetaValuesOf, labelOf, META_FORM, metaPatchInput } from "../../src/routes/admin-ui/dialogs/edit-meta-form";

const FIELDS = META_FORM.flat();
const kindOf = (field: string) => FIELDS.find((spec) => spec.field === field)?.kind;

const FULL: ModelMeta = {
  displayName: "Claude Sonnet 4",
  description: "Balanced model",
  version: "20250514",
  capabilities: ["text", "vision", "code"],
  contextLength: 200_000,
  maxOutputTokens: 64_000,
  inputCostPerMillionTokens: 300,
  outputCostPerMillionTokens: 1500,
  cacheReadCostPerMillionTokens: 30,
  cacheWriteCostPerMillionTokens: 375,
  creditsPer1kTokens: 5,
  requiredTier: "pro",
  tierRestrictionMode: "minimum",
  allowedTiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"],
  modalities: { input: ["text", "image", "file"], output: ["text"] },
  reasoning: true,
  structuredOutputs: false,
  knowledgeCutoff: "2025-03",
  releaseDate: "2025-05-22",
  openWeights: false,
  regions: ["us", "eu"],
  rateLimits: { pro: { requestsPerMinute: 200, tokensPerMinute: 400_000 } },
  internalNotes: "notes",
  complianceTags: ["soc2"],
  providerMetadata: { region: "us-east-1" },
};

describe("the edit-meta form", () => {
  it("has every editable meta field exactly once", () => {
    expect(FIELDS.map((spec) => spec.field).toSorted()).toEqual(Object.keys(EditableMetaFields.shape).toSorted());
  });

  it.each([
    ["displayName", "text"],
    ["description", "textarea"],
    ["contextLength", "number"],
    ["cacheReadCostPerMillionTokens", "number"],
    ["requiredTier", "select"],
    ["allowedTiers", "checkboxes"],
    ["modalities", "groups"],
    ["reasoning", "boolean"],
    ["releaseDate", "date"],
    ["knowledgeCutoff", "text"],
    ["regions", "tags"],
    ["rateLimits", "json"],
    ["providerMetadata", "json"],
  ])("edits %s as %s, as its schema says", (field, kind) => {
    expect(kindOf(field)).toBe(kind);
  });

  it("marks optional exactly the fields the schema makes optional", () => {
    for (const spec of FIELDS) expect(spec.optional, spec.field).toBe(EditableMetaFields.shape[spec.field].safeParse(undefined).success);
  });

  it("labels a field from its name unless the layout names it", () => {
    expect(labelOf("cacheReadCostPerMillionTokens")).toBe("Cache read cost per million tokens");
    expect(labelOf("creditsPer1kTokens")).toBe("Credits per 1k tokens");
    expect(FIELDS.find((spec) => spec.field === "structuredOutputs")?.label).toBe("Structured outputs");
  });

  it("gives back the meta it was filled with (a round trip through the form's values)", () => {
    const { patch, errors } = metaPatchInput(editMetaValuesOf(FULL));
    expect(errors).toBeUndefined();
    expect(ModelMetaPatchSchema.parse(patch)).toStrictEqual(FULL);
  });

  it("removes an optional field left empty, and keeps a boolean false as false", () => {
    const values = {
      ...editMetaValuesOf(FULL),
      "modalities.input": [],
      "modalities.output": [],
      regions: "",
      reasoning: "",
      releaseDate: "",
    };
    const { patch } = metaPatchInput(values);
    expect(patch).toMatchObject({ modalities: null, regions: null, reasoning: null, releaseDate: null, structuredOutputs: false });
  });
});
