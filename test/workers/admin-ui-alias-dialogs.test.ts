/**
 * The model page's aliases (spec Part 3 "Aliases and dated snapshots"): each
 * alias with Re-point alias and Delete alias, through the lifecycle service
 * with the alias's version as If-Match; refusals beside the field, the form
 * as it was sent, nothing changed.
 */
import { describe, expect, it } from "vitest";
import { aliasAudit, aliasState, createAlias, putAlias } from "./support/aliases";
import { adminPost, mintToken } from "./support/client";
import { dialogIn, fieldErrorIn, inputValueIn, isDialogOpen, signIn, UI, uiGet, uiPost } from "./support/dashboard";
import { createModel, uniqueId } from "./support/fixtures";

async function aliasOfNewModel() {
  const model = await createModel();
  const alias = await createAlias(uniqueId("ui-alias"), model.id);
  const { cookie } = await signIn(await mintToken({ sub: "dana", role: "admin" }));
  return { model, alias: alias.alias, cookie };
}

const repoint = (modelId: string, cookie: string, fields: Record<string, string>) =>
  uiPost(`${UI}/models/${modelId}/repoint-alias`, cookie, fields);

describe("model page: aliases", () => {
  it("lists each alias with its Re-point alias and Delete alias buttons and dialogs", async () => {
    const { model, alias, cookie } = await aliasOfNewModel();
    const { html } = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(html).toContain(`<tr data-alias="${alias}">`);
    expect(html).toContain(`commandfor="dialog-repoint-alias-${alias}"`);
    expect(html).toContain(`commandfor="dialog-delete-alias-${alias}"`);
    const dialog = dialogIn(html, `repoint-alias-${alias}`);
    expect(dialog).toContain(`<label for="repoint-alias-${alias}-target">Target model</label>`);
    expect(dialog).toContain('name="ifMatch" value="&quot;1&quot;"');
    expect(dialogIn(html, `delete-alias-${alias}`)).toContain(`<label for="delete-alias-${alias}-reason">Reason</label>`);
  });
});

describe("POST /admin/ui/models/:id/repoint-alias", () => {
  it("re-points the alias as the signed-in member of staff, with the reason in its audit trail", async () => {
    const { model, alias, cookie } = await aliasOfNewModel();
    const next = await createModel();
    const response = await repoint(model.id, cookie, { alias, ifMatch: '"1"', targetModelId: next.id, reason: "the new snapshot" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`${UI}/models/${model.id}?done=repoint-alias`);
    expect(await aliasState(alias)).toMatchObject({ target_model_id: next.id, updated_by: "dana", row_version: 2 });
    expect((await aliasAudit(alias))[0]).toMatchObject({ action: "repoint_alias", actor: "dana", reason: "the new snapshot" });
    // It is now on the new target's page, no longer on the old one's.
    expect((await uiGet(`${UI}/models/${next.id}`, cookie)).html).toContain(`<tr data-alias="${alias}">`);
    expect((await uiGet(`${UI}/models/${model.id}?done=repoint-alias`, cookie)).html).toContain("The alias is re-pointed.");
  });

  it("says beside Target model why a target is refused (archived, an alias, unknown), keeps what was typed, changes nothing", async () => {
    const { model, alias, cookie } = await aliasOfNewModel();
    const archived = await createModel();
    expect((await adminPost(`/admin/models/${archived.id}/archive`, { reason: "gone" })).status).toBe(200);
    const otherAlias = await createAlias(uniqueId("ui-other"), model.id);
    const cases = [
      { target: archived.id, status: 409, code: "alias_target_archived" },
      { target: otherAlias.alias, status: 409, code: "alias_target_is_alias" },
      { target: "no-such-model-anywhere", status: 404, code: "not_found" },
    ];
    for (const { target, status, code } of cases) {
      const response = await repoint(model.id, cookie, { alias, ifMatch: '"1"', targetModelId: target, reason: "kept <b>as typed</b>" });
      expect(response.status).toBe(status);
      const html = await response.text();
      expect(isDialogOpen(html, `repoint-alias-${alias}`)).toBe(true);
      expect(fieldErrorIn(html, `repoint-alias-${alias}-target`)).toContain(`(${code})`);
      expect(inputValueIn(html, `repoint-alias-${alias}-target`)).toBe(target);
      expect(html).toContain("kept &lt;b&gt;as typed&lt;/b&gt;</textarea>");
    }
    expect(await aliasState(alias)).toMatchObject({ target_model_id: model.id, row_version: 1 });
  });

  it("refuses a re-point from a stale dialog (412): says where the alias points now and offers the current version", async () => {
    const { model, alias, cookie } = await aliasOfNewModel();
    const elsewhere = await createModel();
    const wanted = await createModel();
    // Someone else moves it away and back meanwhile: same target, version 3.
    expect((await putAlias(alias, elsewhere.id)).status).toBe(200);
    expect((await putAlias(alias, model.id)).status).toBe(200);
    const response = await repoint(model.id, cookie, { alias, ifMatch: '"1"', targetModelId: wanted.id });
    expect(response.status).toBe(412);
    const html = await response.text();
    expect(isDialogOpen(html, `repoint-alias-${alias}`)).toBe(true);
    expect(fieldErrorIn(html, `repoint-alias-${alias}-target`)).toContain(`it now points at ${model.id} (changed by admin-alice)`);
    expect(inputValueIn(html, `repoint-alias-${alias}-target`)).toBe(wanted.id);
    expect(dialogIn(html, `repoint-alias-${alias}`)).toContain('name="ifMatch" value="&quot;3&quot;"');
    expect((await aliasState(alias))?.target_model_id).toBe(model.id);
  });
});

describe("POST /admin/ui/models/:id/delete-alias", () => {
  it("deletes the alias with the reason in its audit trail", async () => {
    const { model, alias, cookie } = await aliasOfNewModel();
    const response = await uiPost(`${UI}/models/${model.id}/delete-alias`, cookie, { alias, ifMatch: '"1"', reason: "not needed" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`${UI}/models/${model.id}?done=delete-alias`);
    expect(await aliasState(alias)).toBeUndefined();
    expect((await aliasAudit(alias))[0]).toMatchObject({ action: "delete_alias", actor: "dana", reason: "not needed" });
  });

  it("needs a reason, said beside the field; a stale dialog is a 412; the alias stays", async () => {
    const { model, alias, cookie } = await aliasOfNewModel();
    const blank = await uiPost(`${UI}/models/${model.id}/delete-alias`, cookie, { alias, ifMatch: '"1"', reason: "  " });
    expect(blank.status).toBe(400);
    const html = await blank.text();
    expect(isDialogOpen(html, `delete-alias-${alias}`)).toBe(true);
    expect(fieldErrorIn(html, `delete-alias-${alias}-reason`)).toBe("a reason is required");

    expect((await putAlias(alias, (await createModel()).id)).status).toBe(200);
    expect((await putAlias(alias, model.id)).status).toBe(200);
    const stale = await uiPost(`${UI}/models/${model.id}/delete-alias`, cookie, { alias, ifMatch: '"1"', reason: "tidy up" });
    expect(stale.status).toBe(412);
    const staleHtml = await stale.text();
    expect(fieldErrorIn(staleHtml, `delete-alias-${alias}-reason`)).toContain("changed meanwhile");
    expect(staleHtml).toContain("tidy up</textarea>");
    expect((await aliasState(alias))?.row_version).toBe(3);
  });
});
