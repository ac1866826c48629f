/**
 * Who still calls a model, on the dashboard (spec Part 3 "Who still calls a
 * model"): the model page's usage, the archive dialog's caller count and
 * typed-id confirmation (checked by the server, not only the browser), and
 * callers per model on the sunsets page.
 */
import { describe, expect, it } from "vitest";
import { adminToken, call } from "./support/client";
import { signIn, UI, uiGet, uiPost } from "./support/dashboard";
import { createModel, inDays } from "./support/fixtures";
import { DAY, HOUR, seedUsage } from "./support/usage";

const status = async (id: string) => (await call(`/v1/models/${id}`)).status;

describe("GET /admin/ui/models/:id usage", () => {
  it("shows calls, refusals and callers for 24 h and 7 d, and the top callers", async () => {
    const model = await createModel();
    await seedUsage(model.id, [
      { caller: "team-a", ago: HOUR, calls: 40 },
      { caller: "team-a", ago: HOUR, calls: 2, outcome: "refused" },
      { caller: "team-b", ago: 3 * DAY, calls: 7 },
      { caller: "team-c", ago: 10 * DAY, calls: 1000 },
    ]);
    const { cookie } = await signIn();
    const { html } = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(html).toContain('<h2 id="usage-title">Usage</h2>');
    expect(html).toContain('<tr><th scope="row">Last 24 h</th><td>42</td><td>2</td><td>1</td></tr>');
    expect(html).toContain('<tr><th scope="row">Last 7 days</th><td>49</td><td>2</td><td>2</td></tr>');
    const top = html.slice(html.indexOf("Top callers"));
    expect(top.indexOf("<code>team-a</code>")).toBeGreaterThan(0);
    expect(top.indexOf("<code>team-b</code>")).toBeGreaterThan(top.indexOf("<code>team-a</code>"));
    // Older than 7 days: not on the page.
    expect(html).not.toContain("team-c");
  });

  it("says so when nobody called the model", async () => {
    const model = await createModel();
    const { cookie } = await signIn();
    const { html } = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(html).toContain('<tr><th scope="row">Last 7 days</th><td>0</td><td>0</td><td>0</td></tr>');
    expect(html).toContain("No gate calls in the last 7 days.");
  });

  it("shows a caller id that is markup as text", async () => {
    const model = await createModel();
    await seedUsage(model.id, [{ caller: '<img src=x onerror=alert(1)>"&', ago: HOUR, calls: 1 }]);
    const { cookie } = await signIn();
    const { html } = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(html).toContain("<code>&lt;img src=x onerror=alert(1)&gt;&quot;&amp;</code>");
    expect(html).not.toContain("<img src=x");
  });
});

describe("the Archive dialog", () => {
  it("says nobody called the model in 24 h and archives with a reason alone", async () => {
    const model = await createModel();
    await seedUsage(model.id, [{ caller: "old-team", ago: 2 * DAY, calls: 5 }]);
    const { cookie } = await signIn();
    const { html } = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(html).toContain("No caller used this model through the gate in the last 24 h.");
    expect(html).not.toContain('name="confirm_id"');
    const done = await uiPost(`${UI}/models/${model.id}/archive`, cookie, { reason: "unused" });
    expect(done.status).toBe(303);
    expect(await status(model.id)).toBe(410);
  });

  it("states the callers of the last 24 h and asks for the model id, also in the browser", async () => {
    const model = await createModel();
    await seedUsage(model.id, [
      { caller: "team-a", ago: HOUR, calls: 3 },
      { caller: "team-b", ago: 2 * HOUR, calls: 1 },
    ]);
    const { cookie } = await signIn();
    const { html } = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(html).toContain("2 callers used this model through the gate in the last 24 h: they will be refused.");
    const input = /<input[^>]*name="confirm_id"[^>]*>/.exec(html)?.[0] ?? "";
    expect(input).toContain("required");
    const pattern = /pattern="([^"]*)"/.exec(input)?.[1] ?? "";
    expect(new RegExp(`^(?:${pattern})$`, "v").test(model.id)).toBe(true);
    expect(new RegExp(`^(?:${pattern})$`, "v").test(`${model.id}x`)).toBe(false);
  });

  it("refuses a POST without the typed id, or with another one, and archives with it", async () => {
    const model = await createModel();
    await seedUsage(model.id, [{ caller: "team-a", ago: HOUR, calls: 3 }]);
    const { cookie } = await signIn();

    const missing = await uiPost(`${UI}/models/${model.id}/archive`, cookie, { reason: "replaced" });
    expect(missing.status).toBe(400);
    const page = await missing.text();
    expect(page).toContain(
      "Nothing was changed: 1 caller used this model through the gate in the last 24 h: they will be refused. Type the model id to confirm.",
    );
    expect(page).toContain(`<p id="confirm_id-error" class="field-error">Type ${model.id} exactly.</p>`);
    expect(page).toMatch(/<dialog id="dialog-archive"[^>]* open=""/);
    expect(await status(model.id)).toBe(200);

    const wrong = await uiPost(`${UI}/models/${model.id}/archive`, cookie, { reason: "replaced", confirm_id: `${model.id} ` });
    expect(wrong.status).toBe(400);
    expect(await status(model.id)).toBe(200);

    const done = await uiPost(`${UI}/models/${model.id}/archive`, cookie, { reason: "replaced", confirm_id: model.id });
    expect(done.status).toBe(303);
    expect(await status(model.id)).toBe(410);
  });
});

describe("GET /admin/ui/sunsets callers", () => {
  it("shows callers (and calls) per model for 24 h and 7 d", async () => {
    const model = await createModel();
    const token = await adminToken();
    const legacy = await call(`/admin/models/${model.id}/mark-legacy`, { token, json: { sunsetDate: inDays(10) } });
    expect(legacy.status).toBe(200);
    await seedUsage(model.id, [
      { caller: "team-a", ago: HOUR, calls: 1 },
      { caller: "team-b", ago: 2 * DAY, calls: 4 },
      { caller: "team-c", ago: 3 * DAY, calls: 5 },
    ]);
    const { cookie } = await signIn();
    const { html } = await uiGet(`${UI}/sunsets`, cookie);
    const row = html.slice(html.indexOf(`>${model.id}</a>`));
    expect(row.slice(0, row.indexOf("</tr>"))).toMatch(/<td>1 \(1 call\)<\/td><td>3 \(10 calls\)<\/td>$/);
  });
});
