/** Successor chains: clients are never sent to a dead end (spec, Part 2 "Successors"). */
import { describe, expect, it } from "vitest";
import { adminPost, call, type ErrorBody } from "./support/client";
import { type AdminModel, createModel } from "./support/fixtures";

interface LegacyInfo {
  replacement_model_id?: string;
  recommended_model_id?: string | null;
}

const markLegacy = async (id: string, replacementModelId: string) => {
  const response = await adminPost(`/admin/models/${id}/mark-legacy`, { replacementModelId });
  expect(response.status, await response.clone().text()).toBe(200);
};
const archive = async (id: string) => {
  const response = await adminPost(`/admin/models/${id}/archive`, { reason: "retired" });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<{ model: AdminModel; affected_models: string[] }>();
};
const legacyInfo = async (id: string) => (await (await call(`/v1/models/${id}`)).json<{ legacy_info: LegacyInfo }>()).legacy_info;
const successorLink = (id: string) => `</v1/models/${id}>; rel="successor-version"`;

/** a → b → c: a replaced by b, b replaced by c. */
async function chain() {
  const [a, b, c] = [await createModel(), await createModel(), await createModel()];
  await markLegacy(b.id, c.id);
  await markLegacy(a.id, b.id);
  return { a: a.id, b: b.id, c: c.id };
}

describe("legacy_info.recommended_model_id", () => {
  it("is the replacement itself while that is live, even if it is legacy too", async () => {
    const { a, b, c } = await chain();
    expect(await legacyInfo(a)).toMatchObject({ replacement_model_id: b, recommended_model_id: b });
    expect(await legacyInfo(b)).toMatchObject({ replacement_model_id: c, recommended_model_id: c });
    expect((await call(`/v1/models/${a}`)).headers.get("Link")).toBe(successorLink(b));
  });

  it("skips an archived replacement: a → b (archived) → c recommends c, and so do the list, the gate and the Link header", async () => {
    const { a, b, c } = await chain();
    await archive(b);
    expect(await legacyInfo(a)).toMatchObject({ replacement_model_id: b, recommended_model_id: c });
    expect((await call(`/v1/models/${a}`)).headers.get("Link")).toBe(successorLink(c));
    const listed = await (await call("/v1/models")).json<{ models: { id: string; legacy_info?: LegacyInfo }[] }>();
    expect(listed.models.find((m) => m.id === a)?.legacy_info?.recommended_model_id).toBe(c);
    const gate = await (await call(`/v1/models/${a}/access`)).json<{ warning: string }>();
    expect(gate.warning).toContain(`migrate to ${c}`);
  });

  it("is null when every model along the chain is archived, and no Link header is sent", async () => {
    const { a, b, c } = await chain();
    await archive(b);
    await archive(c);
    expect(await legacyInfo(a)).toMatchObject({ replacement_model_id: b, recommended_model_id: null });
    expect((await call(`/v1/models/${a}`)).headers.get("Link")).toBeNull();
  });

  it("is null for a legacy model without a replacement", async () => {
    const model = await createModel();
    expect((await adminPost(`/admin/models/${model.id}/mark-legacy`, {})).status).toBe(200);
    expect(await legacyInfo(model.id)).toMatchObject({ recommended_model_id: null });
  });
});

describe("an archived model's 410", () => {
  it("names the first live model along its chain, in details and in the Link header", async () => {
    const { a, b, c } = await chain();
    await archive(b);
    await archive(a);
    const response = await call(`/v1/models/${a}`);
    expect(response.status).toBe(410);
    expect((await response.json<ErrorBody>()).error.details).toEqual({ model_id: a, replacement_model_id: c });
    expect(response.headers.get("Link")).toBe(successorLink(c));
  });

  it("names none when the whole chain is archived", async () => {
    const { a, b, c } = await chain();
    for (const id of [c, b, a]) await archive(id);
    const response = await call(`/v1/models/${a}`);
    expect((await response.json<ErrorBody>()).error.details).toEqual({ model_id: a });
    expect(response.headers.get("Link")).toBeNull();
  });
});

describe("POST /admin/models/:id/archive on a model others name as their replacement", () => {
  it("is allowed and lists the live models whose successor moved", async () => {
    const { a, b, c } = await chain();
    const other = await createModel();
    await markLegacy(other.id, c);
    expect((await archive(c)).affected_models).toEqual([b, other.id].sort());
    expect((await archive(b)).affected_models).toEqual([a]);
  });

  it("lists none when nothing names it", async () => {
    const model = await createModel();
    expect((await archive(model.id)).affected_models).toEqual([]);
  });
});

describe("replacement cycles", () => {
  it("stay impossible, also through an archived link of the chain", async () => {
    const { a, b, c } = await chain();
    await archive(b);
    const response = await adminPost(`/admin/models/${c}/mark-legacy`, { replacementModelId: a });
    expect(response.status).toBe(409);
    expect((await response.json<ErrorBody>()).error.message).toMatch(/cycle/);
  });
});
