import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CatalogFile,
  CatalogFileError,
  type FileIssue,
  parseCatalogText,
  readCatalogFile,
  serializeCatalog,
} from "../../../scripts/catalog/catalog-file";

const META = { displayName: "Acme 1", contextLength: 8192 };

function issuesOf(text: string, format: "json" | "yaml" = "yaml"): FileIssue[] {
  try {
    parseCatalogText(text, `catalog.${format}`, format);
  } catch (error) {
    if (error instanceof CatalogFileError) return error.issues;
    throw error;
  }
  throw new Error("the file was accepted");
}

describe("the catalog file", () => {
  it("reads YAML and JSON alike, lifecycle defaulting to active and aliases to none", () => {
    const yaml = parseCatalogText(
      "models:\n  - id: acme-1\n    name: acme-1\n    provider: acme\n    meta: {displayName: Acme 1}\n",
      "c.yaml",
      "yaml",
    );
    const json = parseCatalogText(
      JSON.stringify({ models: [{ id: "acme-1", name: "acme-1", provider: "acme", meta: { displayName: "Acme 1" } }] }),
      "c.json",
      "json",
    );
    expect(yaml.catalog).toEqual(json.catalog);
    expect(yaml.catalog).toEqual({
      models: [{ id: "acme-1", name: "acme-1", provider: "acme", lifecycle: "active", meta: { displayName: "Acme 1" } }],
      aliases: [],
    });
  });

  it("names the file, the line and the path of a bad value in YAML", () => {
    const text = [
      "models:",
      "  - id: acme-1",
      "    name: acme-1",
      "    provider: acme",
      "    meta: {displayName: Acme 1}",
      "  - id: acme-2",
      "    name: acme-2",
      "    provider: acme",
      "    lifecycle: retired",
      "    meta: {displayName: Acme 2}",
    ].join("\n");
    const [issue, ...rest] = issuesOf(text);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ file: "catalog.yaml", line: 9, path: "models[1].lifecycle" });
    expect(issue?.message).toMatch(/active.*legacy.*archived/);
  });

  it("finds the line of a problem in JSON too", () => {
    const text = JSON.stringify({ models: [{ id: "acme-1", name: "acme-1", provider: "acme", meta: META, colour: "red" }] }, null, 2);
    const [issue] = issuesOf(text, "json");
    expect(issue).toMatchObject({ file: "catalog.json", path: "models[0]" });
    expect(issue?.message).toMatch(/colour/);
    expect(issue?.line).toBe(3);
  });

  it("refuses legacy fields inside meta, pointing at legacy instead", () => {
    const text =
      "models:\n  - id: a\n    name: a\n    provider: acme\n    lifecycle: legacy\n    meta:\n      displayName: A\n      sunsetDate: 2030-01-01T00:00:00Z\n";
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ line: 8, path: "models[0].meta.sunsetDate" });
    expect(issue?.message).toMatch(/legacy\.sunsetDate/);
  });

  it("refuses legacy fields on an active model, a duplicate id and a date that is not a date-time", () => {
    const file = {
      models: [
        { id: "a", name: "a", provider: "p", legacy: { deprecationNotice: "old" }, meta: META },
        { id: "a", name: "a", provider: "p", lifecycle: "legacy", legacy: { sunsetDate: "next year" }, meta: META },
      ],
    };
    const paths = issuesOf(JSON.stringify(file, null, 2), "json").map((issue) => issue.path);
    expect(paths).toEqual(["models[0].legacy", "models[1].legacy.sunsetDate", "models[1].id"]);
  });

  it("refuses an alias that is a model id, points at an alias, or at a model the file archives", () => {
    const file = {
      models: [
        { id: "m1", name: "m1", provider: "p", meta: META },
        { id: "m2", name: "m2", provider: "p", lifecycle: "archived", meta: META },
      ],
      aliases: [
        { alias: "m1", targetModelId: "elsewhere" },
        { alias: "latest", targetModelId: "stable" },
        { alias: "stable", targetModelId: "m2" },
      ],
    };
    const issues = issuesOf(JSON.stringify(file), "json").map((issue) => `${issue.path}: ${issue.message}`);
    expect(issues).toEqual([
      "aliases[0].alias: m1 is a model id: aliases and models share one id space",
      "aliases[1].targetModelId: stable is an alias: an alias must point at a model",
      "aliases[2].targetModelId: model m2 is archived in this file",
    ]);
  });

  it("reports a YAML or JSON syntax error with its line", () => {
    expect(issuesOf("models:\n  - id: a\n   name: b\n")[0]).toMatchObject({ line: 3 });
    expect(issuesOf('{\n  "models": [\n    {"id": }\n  ]\n}', "json")[0]).toMatchObject({ line: 3 });
    expect(issuesOf("models:\n  - id: a\n    id: b\n")[0]?.message).toMatch(/unique|duplicate/i);
  });

  it("reads a file by its extension and refuses other extensions", () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-file-"));
    writeFileSync(join(dir, "c.yml"), "models: []\n");
    writeFileSync(join(dir, "c.txt"), "models: []\n");
    expect(readCatalogFile(join(dir, "c.yml")).catalog).toEqual({ models: [], aliases: [] });
    expect(() => readCatalogFile(join(dir, "c.txt"))).toThrow(/\.json, \.yaml or \.yml/);
    expect(() => readCatalogFile(join(dir, "missing.yaml"))).toThrow(/ENOENT/);
  });

  it("writes what it reads back, in either format", () => {
    const catalog: CatalogFile = {
      models: [
        { id: "b", name: "b", provider: "p", lifecycle: "archived", legacy: {}, meta: { contextLength: 1, displayName: "B" } },
        {
          id: "a",
          name: "a",
          provider: "p",
          available: false,
          lifecycle: "legacy",
          legacy: { sunsetDate: "2030-01-01T00:00:00Z" },
          meta: { displayName: "A" },
        },
      ],
      aliases: [{ alias: "latest", targetModelId: "a" }],
    };
    for (const format of ["json", "yaml"] as const) {
      const text = serializeCatalog(catalog, format);
      const back = parseCatalogText(text, `c.${format}`, format).catalog;
      expect(back.models.map((model) => model.id)).toEqual(["a", "b"]);
      expect(back).toEqual({ models: [catalog.models[1], catalog.models[0]], aliases: catalog.aliases });
    }
    expect(serializeCatalog(catalog, "yaml").indexOf("displayName")).toBeLessThan(
      serializeCatalog(catalog, "yaml").indexOf("contextLength"),
    );
  });
});
