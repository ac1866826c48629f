/**
 * The model page's plans (spec Part 3 "Scheduled changes", "Public history"):
 * Schedule change through the scheduling service with the API's schema,
 * the pending list with Cancel, the public history newest first, and the
 * sunsets page's scheduled retirements.
 */
import { describe, expect, it } from "vitest";
import { editMetaValuesOf } from "../../src/routes/admin-ui/dialogs/edit-meta-form";
import { call, mintToken } from "./support/client";
import { dialogIn, fieldErrorIn, inputValueIn, isDialogOpen, signIn, UI, uiGet, uiPost } from "./support/dashboard";
import { type AdminModel, createModel, inDays } from "./support/fixtures";
import { cancelChange, inMinutes, scheduled, scheduledChanges, upcomingOf } from "./support/scheduling";

/** A datetime-local value (UTC, as the form states) `minutes` from now. */
const localInput = (minutes: number) => inMinutes(minutes).slice(0, 16);

/** The whole form as the browser sends it: the model's meta as the dialog shows it, with `changes` typed over it. */
const scheduleForm = (model: AdminModel, fields: Record<string, string | string[]>) => ({
  ...editMetaValuesOf(model.meta as never),
  ...fields,
});

async function staffOnNewModel() {
  const model = await createModel();
  const { cookie } = await signIn(await mintToken({ sub: "erin", role: "admin" }));
  return { model, cookie };
}

describe("POST /admin/ui/models/:id/schedule-change", () => {
  it("plans only the meta fields changed, at the UTC time given, as the signed-in member of staff", async () => {
    const { model, cookie } = await staffOnNewModel();
    const at = localInput(90);
    const response = await uiPost(
      `${UI}/models/${model.id}/schedule-change`,
      cookie,
      scheduleForm(model, { action: "update_meta", effectiveAt: at, inputCostPerMillionTokens: "4200", reason: "<b>price</b> rise" }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`${UI}/models/${model.id}?done=schedule-change`);
    const [change] = await scheduledChanges({ model: model.id });
    expect(change).toMatchObject({
      action: "update_meta",
      body: { inputCostPerMillionTokens: 4200 },
      effective_at: `${at}:00.000Z`,
      status: "pending",
      created_by: "erin",
      reason: "<b>price</b> rise",
    });
    expect(Object.keys(change?.body ?? {})).toEqual(["inputCostPerMillionTokens"]);
    expect(await upcomingOf(model.id)).toHaveLength(1);

    const { html } = await uiGet(`${UI}/models/${model.id}?done=schedule-change`, cookie);
    expect(html).toContain("The change is scheduled.");
    expect(html).toContain(`<tr data-scheduled-change="${change?.id}">`);
    expect(html).toContain("&lt;b&gt;price&lt;/b&gt; rise");
    expect(html).toContain(`commandfor="dialog-cancel-scheduled-change-${change?.id}"`);
    expect(dialogIn(html, "schedule-change")).toContain('<label for="schedule-change-effectiveAt">Effective at (UTC)</label>');
  });

  it("says beside the field what the API's rules refuse (too soon, not legal then, no reason), keeps the form, plans nothing", async () => {
    const { model, cookie } = await staffOnNewModel();
    const post = (fields: Record<string, string>) =>
      uiPost(`${UI}/models/${model.id}/schedule-change`, cookie, scheduleForm(model, fields));

    const soon = await post({ action: "update_meta", effectiveAt: localInput(-5), inputCostPerMillionTokens: "4200" });
    expect(soon.status).toBe(400);
    const soonHtml = await soon.text();
    expect(isDialogOpen(soonHtml, "schedule-change")).toBe(true);
    expect(fieldErrorIn(soonHtml, "schedule-change-effectiveAt")).toBe("must be at least 60 seconds ahead");
    expect(inputValueIn(soonHtml, "schedule-change-effectiveAt")).toBe(localInput(-5));
    expect(inputValueIn(soonHtml, "schedule-change-meta-inputCostPerMillionTokens")).toBe("4200");

    const illegal = await post({ action: "unarchive", effectiveAt: localInput(30) });
    expect(illegal.status).toBe(409);
    expect(fieldErrorIn(await illegal.text(), "schedule-change-action")).toBe("the model is not archived");

    const noReason = await post({ action: "archive", effectiveAt: localInput(30), reason: "" });
    expect(noReason.status).toBe(400);
    expect(fieldErrorIn(await noReason.text(), "schedule-change-reason")).toBe("a reason is required");

    const nothing = await post({ action: "update_meta", effectiveAt: localInput(30) });
    expect(nothing.status).toBe(400);
    expect(fieldErrorIn(await nothing.text(), "schedule-change-action")).toContain("Change at least one meta field");

    expect(await scheduledChanges({ model: model.id })).toEqual([]);
  });
});

describe("POST /admin/ui/models/:id/cancel-scheduled-change", () => {
  it("cancels a pending change as the signed-in member of staff", async () => {
    const { model, cookie } = await staffOnNewModel();
    const change = await scheduled({ modelId: model.id, action: "mark_legacy", body: {}, effectiveAt: inMinutes(30) });
    const response = await uiPost(`${UI}/models/${model.id}/cancel-scheduled-change`, cookie, { change: change.id });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`${UI}/models/${model.id}?done=cancel-scheduled-change`);
    expect((await scheduledChanges({ model: model.id }))[0]).toMatchObject({ status: "cancelled", cancelled_by: "erin" });
    expect((await uiGet(`${UI}/models/${model.id}`, cookie)).html).toContain("No change is scheduled.");
  });

  it("refuses a change no longer pending (409) and another model's change (404), said on the page; nothing changes", async () => {
    const { model, cookie } = await staffOnNewModel();
    const change = await scheduled({ modelId: model.id, action: "mark_legacy", body: {}, effectiveAt: inMinutes(30) });
    expect((await cancelChange(change.id)).status).toBe(204);
    const again = await uiPost(`${UI}/models/${model.id}/cancel-scheduled-change`, cookie, { change: change.id });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(`Nothing was cancelled: scheduled change ${change.id} is cancelled, not pending.`);

    const other = await createModel();
    const theirs = await scheduled({ modelId: other.id, action: "mark_legacy", body: {}, effectiveAt: inMinutes(30) });
    const wrong = await uiPost(`${UI}/models/${model.id}/cancel-scheduled-change`, cookie, { change: theirs.id });
    expect(wrong.status).toBe(404);
    expect(await wrong.text()).toContain(`Nothing was cancelled: ${model.id} has no scheduled change ${theirs.id}.`);
    expect((await scheduledChanges({ model: other.id }))[0]?.status).toBe("pending");
  });
});

describe("model page: public history", () => {
  it("shows the public history newest first, with a link to the whole of it", async () => {
    const { model, cookie } = await staffOnNewModel();
    const patched = await call(`/admin/models/${model.id}/meta`, {
      method: "PATCH",
      token: await mintToken({ sub: "erin", role: "admin" }),
      json: { outputCostPerMillionTokens: 999 },
    });
    expect(patched.status).toBe(200);
    const { html } = await uiGet(`${UI}/models/${model.id}`, cookie);
    const history = html.slice(html.indexOf('<table id="model-history">'));
    const actions = [...history.slice(0, history.indexOf("</table>")).matchAll(/<td>\d+<\/td><td>([a-z_]+)<\/td>/g)].map((m) => m[1]);
    expect(actions).toEqual(["update_meta", "create"]);
    expect(history).toContain("<code>output_cost_per_million_tokens</code>");
    expect(html).toContain(`href="/v1/models/${model.id}/history"`);
  });

  it("shows the latest 20 entries of a long history, each compared with the version before it", async () => {
    const { model, cookie } = await staffOnNewModel();
    const token = await mintToken({ sub: "erin", role: "admin" });
    for (let i = 1; i <= 22; i++) {
      const patched = await call(`/admin/models/${model.id}/meta`, {
        method: "PATCH",
        token,
        json: { outputCostPerMillionTokens: 100 + i },
      });
      expect(patched.status).toBe(200);
    }
    const { html } = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(html).toContain("newest first (the latest 20).");
    const table = html.slice(
      html.indexOf('<table id="model-history">'),
      html.indexOf("</table>", html.indexOf('<table id="model-history">')),
    );
    const rows = [...table.matchAll(/<td>(\d+)<\/td><td>([a-z_]+)<\/td>/g)].map((m) => ({ version: Number(m[1]), action: m[2] }));
    expect(rows).toHaveLength(20);
    expect(rows.every((row) => row.action === "update_meta")).toBe(true);
    const versions = rows.map((row) => row.version);
    expect(versions).toEqual([...versions].sort((a, b) => b - a));
    // The oldest shown is patch 3 (103), compared with patch 2 (102) read as its baseline only.
    const last = table.slice(table.lastIndexOf("<tr>"));
    expect(last).toContain("<code>output_cost_per_million_tokens</code>");
    expect(last).toContain("102 → 103");
  });
});

describe("GET /admin/ui/sunsets: scheduled retirements", () => {
  it("lists pending scheduled archives and planned sunset dates in the next 30 days, not later ones", async () => {
    const { model, cookie } = await staffOnNewModel();
    const later = await createModel();
    const sunsetting = await createModel();
    await scheduled({ modelId: model.id, action: "archive", body: { reason: "retired" }, effectiveAt: inDays(10) });
    await scheduled({ modelId: later.id, action: "archive", body: { reason: "retired" }, effectiveAt: inDays(40) });
    await scheduled({ modelId: sunsetting.id, action: "mark_legacy", body: { sunsetDate: inDays(20) }, effectiveAt: inMinutes(10) });
    const { html } = await uiGet(`${UI}/sunsets`, cookie);
    const table = html.slice(html.indexOf('<table id="scheduled-retirements">'));
    expect(table).toContain(`href="/admin/ui/models/${model.id}"`);
    expect(table).toContain(`href="/admin/ui/models/${sunsetting.id}"`);
    expect(table).not.toContain(later.id);
  });
});
