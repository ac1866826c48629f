/**
 * The dashboard's pages and actions: what staff see and what their forms do,
 * through the same lifecycle service (rules, audit, cache) as the JSON API.
 */
import { describe, expect, it } from "vitest";
import { adminToken, call, mintToken } from "./support/client";
import { signIn, UI, uiGet, uiPost } from "./support/dashboard";
import { createModel, inDays, uniqueId, uniqueProvider } from "./support/fixtures";

const EDIT_FORM_DEFAULTS = {
  displayName: "Edited",
  contextLength: "32768",
  inputCostPerMillionTokens: "100",
  outputCostPerMillionTokens: "300",
  creditsPer1kTokens: "2",
  requiredTier: "free",
  tierRestrictionMode: "minimum",
  allowedTiers: ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max"],
  capabilities: ["text"],
};

async function publicModel(id: string) {
  const response = await call(`/v1/models/${id}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("HTML escaping", () => {
  it("shows a model named <script> as text on the models page and the model page", async () => {
    const provider = uniqueProvider();
    const model = await createModel({
      provider,
      meta: { displayName: "<img src=x onerror=alert(1)>", description: '"><script>alert(2)</script>' },
    });
    // The name is free text; set it to markup through the API as any admin could.
    const hostile = uniqueId("xss");
    const created = await call("/admin/models", {
      token: await adminToken(),
      json: {
        id: hostile,
        name: "<script>alert(3)</script>",
        provider,
        meta: { ...model.meta, displayName: "<script>alert(4)</script>", internalNotes: "</textarea><script>alert(5)</script>" },
      },
    });
    expect(created.status).toBe(201);
    const { cookie } = await signIn();

    const list = await uiGet(`${UI}/models?provider=${provider}`, cookie);
    expect(list.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(list.html).toContain("&lt;script&gt;alert(4)&lt;/script&gt;");
    expect(list.html).not.toMatch(/<script>alert|<img src=x/);

    const page = await uiGet(`${UI}/models/${hostile}`, cookie);
    expect(page.response.status).toBe(200);
    expect(page.html).toContain("&lt;script&gt;alert(3)&lt;/script&gt;");
    expect(page.html).toContain("&lt;/textarea&gt;&lt;script&gt;alert(5)&lt;/script&gt;");
    expect(page.html).not.toMatch(/<script>alert/);
    // The only script on the page is the dashboard's own.
    expect(page.html.match(/<script/g)).toHaveLength(1);

    const other = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(other.html).toContain("&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
  });

  it("escapes what a visitor typed into the search box", async () => {
    const { cookie } = await signIn();
    const { html } = await uiGet(`${UI}/models?q=${encodeURIComponent('"><script>alert(6)</script>')}`, cookie);
    expect(html).not.toContain("<script>alert(6)");
    expect(html).toContain("&quot;&gt;&lt;script&gt;alert(6)&lt;/script&gt;");
  });
});

describe("GET /admin/ui/models", () => {
  it("lists active, legacy and archived models, filtered by status, provider, tier and id", async () => {
    const provider = uniqueProvider();
    const active = await createModel({ provider });
    const legacy = await createModel({ provider, meta: { requiredTier: "pro", allowedTiers: ["pro", "pro_max"] } });
    const archived = await createModel({ provider });
    const token = await adminToken();
    expect((await call(`/admin/models/${legacy.id}/mark-legacy`, { token, json: {} })).status).toBe(200);
    expect((await call(`/admin/models/${archived.id}/archive`, { token, json: { reason: "test" } })).status).toBe(200);
    const { cookie } = await signIn();
    const ids = async (query: string) => {
      const { response, html } = await uiGet(`${UI}/models?provider=${provider}&${query}`, cookie);
      expect(response.status).toBe(200);
      return [...html.matchAll(/<a href="\/admin\/ui\/models\/([^"?]+)">/g)].map((match) => match[1]);
    };
    expect(await ids("")).toEqual([active.id, legacy.id, archived.id].sort());
    expect(await ids("status=active")).toEqual([active.id]);
    expect(await ids("status=legacy")).toEqual([legacy.id]);
    expect(await ids("status=archived")).toEqual([archived.id]);
    expect(await ids("tier=pro")).toEqual([legacy.id]);
    expect(await ids(`q=${active.id.slice(-6).toUpperCase()}`)).toEqual([active.id]);
    expect(await ids("q=%25")).toEqual([]);
    const { html } = await uiGet(`${UI}/models?provider=${provider}&status=legacy`, cookie);
    expect(html).toContain("1 model matches");
    expect(html).toMatch(/<option value="legacy" selected="">legacy<\/option>/);
  });

  it("pages through the matches 50 at a time, forwards and back", async () => {
    const provider = uniqueProvider();
    const created = [];
    for (let i = 0; i < 53; i++) created.push(await createModel({ provider, id: `${provider}-m${String(i).padStart(2, "0")}` }));
    const { cookie } = await signIn();
    const first = await uiGet(`${UI}/models?provider=${provider}`, cookie);
    expect(first.html).toContain("53 models match");
    expect([...first.html.matchAll(/<tr><td><a href/g)]).toHaveLength(50);
    const next = /href="(\/admin\/ui\/models\?[^"]*after=[^"]+)"/.exec(first.html)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toContain(`after=${provider}-m49`);
    const second = await uiGet(next as string, cookie);
    expect([...second.html.matchAll(/<tr><td><a href="\/admin\/ui\/models\/([^"]+)"/g)].map((m) => m[1])).toEqual([
      `${provider}-m50`,
      `${provider}-m51`,
      `${provider}-m52`,
    ]);
    expect(second.html).not.toContain("Next page");
    const previous = /href="(\/admin\/ui\/models\?[^"]*before=[^"]+)"/.exec(second.html)?.[1]?.replaceAll("&amp;", "&");
    const back = await uiGet(previous as string, cookie);
    expect([...back.html.matchAll(/<tr><td><a href/g)]).toHaveLength(50);
    expect(back.html).toContain(`/admin/ui/models/${provider}-m00"`);
    expect(back.html).not.toContain("Previous page");
  });

  it("shows invalid filters beside their fields instead of a list", async () => {
    const { cookie } = await signIn();
    const { response, html } = await uiGet(`${UI}/models?status=gone&tier=platinum`, cookie);
    expect(response.status).toBe(400);
    expect(html).toMatch(/<p id="filter-status-error" class="field-error">[^<]+<\/p>/);
    expect(html).toMatch(/<p id="filter-tier-error" class="field-error">[^<]+<\/p>/);
    expect(html).not.toContain("<table>");
  });
});

describe("GET /admin/ui/models/:id", () => {
  it("shows the meta, flags, audit trail and the actions that apply", async () => {
    const model = await createModel({ meta: { description: "described here" } });
    const { cookie } = await signIn();
    const { response, html } = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(response.status).toBe(200);
    expect(html).toContain("described here");
    expect(html).toContain("<h2>Audit trail</h2>");
    expect(html).toMatch(/<td>admin-alice<\/td><td>create<\/td>/);
    for (const label of ["Mark legacy", "Archive", "Edit meta"]) {
      expect(html).toMatch(new RegExp(`<button type="button" commandfor="dialog-[a-z-]+" command="show-modal"[^>]*>${label}</button>`));
    }
    expect(html).not.toContain(">Unarchive</button>");
    for (const label of ["Replacement model", "Deprecation notice", "Sunset date", "Reason"]) {
      expect(html).toMatch(new RegExp(`<label for="[A-Za-z-]+">${label}</label>`));
    }
    expect(html).toMatch(/<textarea id="reason" name="reason"[^>]* required=""/);
  });

  it("offers exactly the actions the lifecycle allows in each state, and refuses one it does not offer", async () => {
    const offered = (html: string) => [...html.matchAll(/command="show-modal"[^>]*>([^<]+)<\/button>/g)].map((match) => match[1]);
    const model = await createModel();
    const { cookie } = await signIn();
    const page = async () => (await uiGet(`${UI}/models/${model.id}`, cookie)).html;
    const dialogs = (html: string) => [...html.matchAll(/<dialog id="dialog-([a-z-]+)"/g)].map((match) => match[1]);

    expect(offered(await page())).toEqual(["Mark legacy", "Archive", "Edit meta", "Schedule change"]);
    expect(dialogs(await page())).toEqual(["mark-legacy", "archive", "edit-meta", "schedule-change"]);
    // Not offered to an active model, and the lifecycle refuses it too: nothing changes.
    const refused = await uiPost(`${UI}/models/${model.id}/unmark-legacy`, cookie, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("Nothing was changed: the model is not legacy.");

    expect((await uiPost(`${UI}/models/${model.id}/mark-legacy`, cookie, {})).status).toBe(303);
    expect(offered(await page())).toEqual(["Mark legacy", "Unmark legacy", "Archive", "Edit meta", "Schedule change"]);
    expect(dialogs(await page())).toEqual(["mark-legacy", "unmark-legacy", "archive", "edit-meta", "schedule-change"]);

    expect((await uiPost(`${UI}/models/${model.id}/archive`, cookie, { reason: "done with it" })).status).toBe(303);
    expect(offered(await page())).toEqual(["Unarchive", "Edit meta", "Schedule change"]);
    expect(dialogs(await page())).toEqual(["unarchive", "edit-meta", "schedule-change"]);
  });

  it("answers an unknown model with a 404 page", async () => {
    const { cookie } = await signIn();
    const { response, html } = await uiGet(`${UI}/models/no-such-model-here`, cookie);
    expect(response.status).toBe(404);
    expect(html).toContain("There is no model no-such-model-here.");
  });
});

describe("dashboard lifecycle actions", () => {
  it("mark legacy changes the public API and records the signed-in subject in the audit trail", async () => {
    const replacement = await createModel();
    const model = await createModel();
    const { cookie } = await signIn(await mintToken({ sub: "dana", role: "admin" }));
    const sunset = inDays(20).slice(0, 10);
    const response = await uiPost(`${UI}/models/${model.id}/mark-legacy`, cookie, {
      replacementModelId: replacement.id,
      deprecationNotice: "Use the new one",
      sunsetDate: sunset,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`${UI}/models/${model.id}?done=mark-legacy`);
    const { body } = await publicModel(model.id);
    expect(body.is_legacy).toBe(true);
    expect(body.legacy_info).toMatchObject({ replacement_model_id: replacement.id, deprecation_notice: "Use the new one" });
    const page = await uiGet(response.headers.get("Location") as string, cookie);
    expect(page.html).toContain("The model is now legacy.");
    expect(page.html).toMatch(/<td>dana<\/td><td>mark_legacy<\/td>/);
    // Listed on the sunsets page.
    const sunsets = await uiGet(`${UI}/sunsets`, cookie);
    expect(sunsets.html).toContain(`/admin/ui/models/${model.id}"`);
  });

  it("mark legacy with a bad replacement or a past sunset date shows the errors beside the fields and changes nothing", async () => {
    const model = await createModel();
    const { cookie } = await signIn();
    const missing = await uiPost(`${UI}/models/${model.id}/mark-legacy`, cookie, { replacementModelId: "no-such-replacement" });
    expect(missing.status).toBe(400);
    const html = await missing.text();
    expect(html).toMatch(/<p id="replacementModelId-error" class="field-error">replacement model no-such-replacement does not exist<\/p>/);
    expect(html).toMatch(/<dialog id="dialog-mark-legacy"[^>]* open=""/);
    expect(html).toContain('value="no-such-replacement"');
    const past = await uiPost(`${UI}/models/${model.id}/mark-legacy`, cookie, { sunsetDate: "2020-01-01" });
    expect(past.status).toBe(400);
    expect(await past.text()).toMatch(/<p id="sunsetDate-error" class="field-error">must be in the future<\/p>/);
    const malformed = await uiPost(`${UI}/models/${model.id}/mark-legacy`, cookie, { replacementModelId: "Not An Id!" });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toMatch(/<p id="replacementModelId-error" class="field-error">must be 1-100 characters/);
    expect((await publicModel(model.id)).body.is_legacy).toBe(false);
  });

  it("archive needs a reason: refused beside the field without one, done with one", async () => {
    const model = await createModel();
    const { cookie } = await signIn();
    const refused = await uiPost(`${UI}/models/${model.id}/archive`, cookie, { reason: "   " });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/<p id="reason-error" class="field-error">a reason is required<\/p>/);
    expect((await publicModel(model.id)).status).toBe(200);

    const done = await uiPost(`${UI}/models/${model.id}/archive`, cookie, { reason: "replaced by v2" });
    expect(done.status).toBe(303);
    expect((await publicModel(model.id)).status).toBe(410);
    const page = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(page.html).toMatch(/<td>archive<\/td><td>replaced by v2<\/td>/);
    expect(page.html).toContain(">Unarchive</button>");

    // Archiving again is a conflict, shown on the page.
    const again = await uiPost(`${UI}/models/${model.id}/archive`, cookie, { reason: "twice" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("Nothing was changed: the model is already archived.");

    const back = await uiPost(`${UI}/models/${model.id}/unarchive`, cookie, {});
    expect(back.status).toBe(303);
    expect((await publicModel(model.id)).status).toBe(200);
  });

  it("unmark legacy returns the model to current", async () => {
    const model = await createModel();
    const { cookie } = await signIn();
    expect((await uiPost(`${UI}/models/${model.id}/mark-legacy`, cookie, {})).status).toBe(303);
    expect((await uiPost(`${UI}/models/${model.id}/unmark-legacy`, cookie, {})).status).toBe(303);
    expect((await publicModel(model.id)).body.is_legacy).toBe(false);
  });

  it("edit meta saves with the version it was filled from", async () => {
    const model = await createModel();
    const { cookie } = await signIn();
    const response = await uiPost(`${UI}/models/${model.id}/edit-meta`, cookie, {
      ...EDIT_FORM_DEFAULTS,
      ifMatch: `"${model.row_version}"`,
      description: "new words",
      complianceTags: "soc2, gdpr",
      providerMetadata: '{"region": "eu"}',
    });
    expect(response.status).toBe(303);
    const admin = await call(`/admin/models/${model.id}`, { token: await adminToken() });
    const saved = ((await admin.json()) as { model: { meta: Record<string, unknown> } }).model.meta;
    expect(saved).toMatchObject({
      displayName: "Edited",
      description: "new words",
      complianceTags: ["soc2", "gdpr"],
      providerMetadata: { region: "eu" },
    });
    expect(saved.maxOutputTokens).toBeUndefined();
  });

  it("edit meta round-trips the richer fields: modality checkboxes, yes/no, a date, regions and rate limits", async () => {
    const model = await createModel();
    const { cookie } = await signIn();
    const response = await uiPost(`${UI}/models/${model.id}/edit-meta`, cookie, {
      ...EDIT_FORM_DEFAULTS,
      ifMatch: `"${model.row_version}"`,
      "modalities.input": ["text", "image"],
      "modalities.output": ["text"],
      reasoning: "true",
      structuredOutputs: "false",
      releaseDate: "2025-05-22",
      knowledgeCutoff: "2025-03",
      cacheReadCostPerMillionTokens: "30",
      regions: "us, eu",
      rateLimits: '{"pro": {"requestsPerMinute": 60, "tokensPerMinute": 90000}}',
    });
    expect(response.status, await response.clone().text()).toBe(303);
    expect((await publicModel(model.id)).body).toMatchObject({
      modalities: { input: ["text", "image"], output: ["text"] },
      reasoning: true,
      structured_outputs: false,
      release_date: "2025-05-22",
      knowledge_cutoff: "2025-03",
      cache_read_cost_per_million_tokens: 30,
      regions: ["us", "eu"],
      rate_limits: { pro: { requests_per_minute: 60, tokens_per_minute: 90000 } },
    });
    expect((await publicModel(model.id)).body).not.toHaveProperty("open_weights");

    // The form shows them again as it saved them, and the model page lists them.
    const { html } = await uiGet(`${UI}/models/${model.id}`, cookie);
    expect(html).toMatch(/<input type="checkbox" name="modalities.input" value="image" checked=""/);
    expect(html).not.toMatch(/<input type="checkbox" name="modalities.input" value="audio" checked/);
    expect(html).toMatch(/<select id="meta-reasoning" name="reasoning"[^>]*>.*?<option value="true" selected="">yes<\/option>/s);
    expect(html).toMatch(/<input type="date" value="2025-05-22" id="meta-releaseDate"/);
    expect(html).toMatch(/<input type="text" value="us, eu" id="meta-regions"/);
    expect(html).toContain("<dt>rateLimits</dt>");

    // A date that does not exist is refused beside its field, and nothing is saved.
    const bad = await uiPost(`${UI}/models/${model.id}/edit-meta`, cookie, {
      ...EDIT_FORM_DEFAULTS,
      ifMatch: `"${model.row_version + 1}"`,
      releaseDate: "2026-02-30",
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/<p id="meta-releaseDate-error" class="field-error">must be a real calendar date/);
    expect((await publicModel(model.id)).body.release_date).toBe("2025-05-22");
  });

  it("edit meta on a model someone else changed meanwhile says so, shows the current values and overwrites nothing", async () => {
    const model = await createModel({ meta: { displayName: "Original" } });
    const { cookie } = await signIn();
    const staleVersion = model.row_version;
    const other = await call(`/admin/models/${model.id}/meta`, {
      method: "PATCH",
      token: await adminToken("bob"),
      json: { displayName: "Bob's name" },
    });
    expect(other.status).toBe(200);
    const response = await uiPost(`${UI}/models/${model.id}/edit-meta`, cookie, {
      ...EDIT_FORM_DEFAULTS,
      displayName: "Alice's name",
      ifMatch: `"${staleVersion}"`,
    });
    expect(response.status).toBe(412);
    const html = await response.text();
    expect(html).toContain("Someone else changed this model while you were editing it");
    expect(html).toMatch(/<input type="text" value="Bob&#39;s name" id="meta-displayName"/);
    expect(html).toContain(`name="ifMatch" value="&quot;${staleVersion + 1}&quot;"`);
    const admin = await call(`/admin/models/${model.id}`, { token: await adminToken() });
    expect(((await admin.json()) as { model: { meta: { displayName: string } } }).model.meta.displayName).toBe("Bob's name");
  });

  it("edit meta checks the fields with the API's schema and shows each error beside its field", async () => {
    const model = await createModel();
    const { cookie } = await signIn();
    const response = await uiPost(`${UI}/models/${model.id}/edit-meta`, cookie, {
      ...EDIT_FORM_DEFAULTS,
      ifMatch: `"${model.row_version}"`,
      displayName: "",
      contextLength: "lots",
      capabilities: [],
      providerMetadata: "{not json",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(/<p id="meta-providerMetadata-error" class="field-error">is not valid JSON<\/p>/);
    const again = await uiPost(`${UI}/models/${model.id}/edit-meta`, cookie, {
      ...EDIT_FORM_DEFAULTS,
      ifMatch: `"${model.row_version}"`,
      displayName: "",
      contextLength: "lots",
      capabilities: [],
    });
    expect(again.status).toBe(400);
    const page = await again.text();
    expect(page).toMatch(/<p id="meta-displayName-error" class="field-error">[^<]+<\/p>/);
    expect(page).toMatch(/<p id="meta-contextLength-error" class="field-error">expected number, received string<\/p>/);
    expect(page).toMatch(/<p id="meta-capabilities-error" class="field-error">[^<]+<\/p>/);
    expect(page).toContain('value="lots"');
    // Cross-field rules run on the merged meta, as on the API.
    const exact = await uiPost(`${UI}/models/${model.id}/edit-meta`, cookie, {
      ...EDIT_FORM_DEFAULTS,
      ifMatch: `"${model.row_version}"`,
      tierRestrictionMode: "exact",
    });
    expect(exact.status).toBe(400);
    expect(await exact.text()).toMatch(/<p id="meta-allowedTiers-error" class="field-error">with tierRestrictionMode &quot;exact&quot;/);
  });
});
