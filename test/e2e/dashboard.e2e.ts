/**
 * The staff dashboard in a real browser: a member of staff signs in, finds
 * models, deprecates, archives and restores them, meets a concurrent edit,
 * works a dialog with the keyboard alone, and signs out; a cross-site form
 * is refused. The steps run in order in one browser session.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminApi,
  type Browser,
  type BrowserContext,
  baseUrl,
  createModel,
  launchBrowser,
  lockedContext,
  mintToken,
  publicModel,
  SCREENSHOTS,
} from "./browser";

const UI = `${baseUrl}/admin/ui`;
const ATTACKER = "http://attacker.test/";
const run = Date.now().toString(36);
const ids = {
  legacy: `e2e-legacy-${run}`,
  archive: `e2e-archive-${run}`,
  conflict: `e2e-conflict-${run}`,
  keyboard: `e2e-keyboard-${run}`,
  csrf: `e2e-csrf-${run}`,
};

let browser: Browser;
let context: BrowserContext;
let page: Page;
let blocked: string[];

async function screenshot(name: string, options: { fullPage?: boolean } = {}) {
  if (!SCREENSHOTS) return;
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage ?? false });
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const notice = () => page.locator(".notice").first().innerText();
const dialog = (name: string) => page.locator(`#dialog-${name}`);
/** The button on the page (not the one inside a dialog) that opens a dialog. */
const actionButton = (label: string) => page.locator(".actions").getByRole("button", { name: label, exact: true });

async function openModel(id: string) {
  await page.goto(`${UI}/models/${id}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
}

beforeAll(async () => {
  for (const id of Object.values(ids)) await createModel(id);
  browser = await launchBrowser();
  // The attacker's page is synthesized here, never fetched from anywhere.
  ({ context, blocked } = await lockedContext(browser, {
    [ATTACKER]: "<!DOCTYPE html><title>Win a prize</title><p>Loading…</p>",
  }));
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
});

describe("staff dashboard in Chromium", () => {
  it("refuses a malformed, an expired and a non-admin token beside the field, then signs in with Enter", async () => {
    await page.goto(`${UI}/`);
    expect(page.url()).toBe(`${UI}/sign-in`);
    await screenshot("sign-in");

    const refusals = [
      { token: "not-a-jwt", reason: "This token was not accepted: token is invalid" },
      { token: await mintToken({ role: "admin" }, "e2e-late", "-1h"), reason: "token has expired" },
      {
        token: await mintToken({ tier: "pro" }, "e2e-customer"),
        reason: "The token for e2e-customer has no role. The dashboard needs a token with the role admin or super_admin.",
      },
    ];
    const field = page.getByLabel("Admin token");
    for (const { token, reason } of refusals) {
      await field.fill(token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator("#token-error").waitFor();
      // Still the sign-in page, its field and button there, the reason beside the field and read out with it.
      expect(page.url()).toBe(`${UI}/sign-in`);
      expect(await page.locator("#token-error").innerText()).toContain(reason);
      const description = await field.evaluate((input) =>
        (input.getAttribute("aria-describedby") ?? "")
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? "")
          .join(" "),
      );
      expect(description).toContain(reason);
      expect(await field.getAttribute("aria-invalid")).toBe("true");
      expect(await context.cookies(UI)).toEqual([]);
    }

    // Enter in the field signs in, from the very page that refused the last token.
    const token = await mintToken({ role: "admin" }, "e2e-staff");
    await field.fill(token);
    await field.press("Enter");
    await page.waitForURL(`${UI}/models`);
    await page.getByRole("heading", { name: "Models" }).waitFor();
    expect(await page.locator(".who").innerText()).toBe("Signed in as e2e-staff");

    const [cookie] = await context.cookies(UI);
    expect(cookie).toMatchObject({ name: "catalog_admin_session", httpOnly: true, sameSite: "Strict", path: "/admin", secure: false });
    const exp = JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString()).exp;
    expect(Math.round(cookie?.expires ?? 0)).toBe(exp);
    await screenshot("models");
  });

  it("filters models by status, provider, tier and id", async () => {
    const idsShown = () => page.locator("tbody tr td:first-child a").allInnerTexts();
    const statuses = () => page.locator("tbody .badge").allInnerTexts();

    await page.getByLabel("Status").selectOption("legacy");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=legacy/);
    expect(await idsShown()).toContain("gpt-3.5-turbo");
    expect(new Set(await statuses())).toEqual(new Set(["legacy"]));

    await page.getByLabel("Status").selectOption("archived");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=archived/);
    expect(await idsShown()).toContain("gpt-2");
    expect(new Set(await statuses())).toEqual(new Set(["archived"]));

    await page.getByRole("link", { name: "Clear" }).click();
    await page.getByLabel("Provider").selectOption("e2e-labs");
    await page.getByLabel("Required tier").selectOption("free");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/provider=e2e-labs/);
    expect((await idsShown()).sort()).toEqual(Object.values(ids).sort());

    await page.getByRole("link", { name: "Clear" }).click();
    await page.getByLabel("Search by id").fill("gpt-4o");
    await page.getByLabel("Search by id").press("Enter");
    await page.waitForURL(/q=gpt-4o/);
    const found = await idsShown();
    expect(found.length).toBeGreaterThan(0);
    for (const id of found) expect(id).toContain("gpt-4o");
  });

  it("marks a model legacy through its dialog, and the public API shows it at once", async () => {
    await openModel(ids.legacy);
    expect(await dialog("mark-legacy").isVisible()).toBe(false);
    await actionButton("Mark legacy").click();
    await dialog("mark-legacy").waitFor({ state: "visible" });
    await dialog("mark-legacy").getByLabel("Replacement model").fill("gpt-4o");
    await dialog("mark-legacy").getByLabel("Deprecation notice").fill("Moving to GPT-4o; same prompts work.");
    await dialog("mark-legacy").getByLabel("Sunset date").fill(inDays(20));
    await screenshot("mark-legacy-dialog");
    await dialog("mark-legacy").getByRole("button", { name: "Mark legacy" }).click();
    await page.waitForURL(/done=mark-legacy/);
    expect(await notice()).toBe("The model is now legacy.");

    const after = await publicModel(ids.legacy);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      is_legacy: true,
      legacy_info: { replacement_model_id: "gpt-4o", deprecation_notice: "Moving to GPT-4o; same prompts work." },
    });
    expect(after.headers.get("Deprecation")).toBeTruthy();
    expect(after.headers.get("Sunset")).toBeTruthy();
    // The audit trail names the signed-in member of staff.
    const auditTrail = page.locator("table", { has: page.getByRole("columnheader", { name: "Actor" }) });
    expect(await auditTrail.locator("tbody tr").first().innerText()).toMatch(/e2e-staff\s+mark_legacy/);
    await screenshot("model", { fullPage: true });
  });

  it("refuses to archive without a reason, then archives with one", async () => {
    await openModel(ids.archive);
    await actionButton("Archive").click();
    await dialog("archive").waitFor({ state: "visible" });
    // Empty: the browser itself holds the form back (the field is required).
    await dialog("archive").getByRole("button", { name: "Archive" }).click();
    expect(
      await dialog("archive")
        .getByLabel("Reason", { exact: true })
        .evaluate((field) => (field as HTMLTextAreaElement).validity.valueMissing),
    ).toBe(true);
    expect(page.url()).toBe(`${UI}/models/${ids.archive}`);
    // Blank: the server refuses with the API's rule and says so beside the field.
    await dialog("archive").getByLabel("Reason", { exact: true }).fill("   ");
    await dialog("archive").getByRole("button", { name: "Archive" }).click();
    await page.locator("#reason-error").waitFor();
    expect(await page.locator("#reason-error").innerText()).toBe("a reason is required");
    expect(await dialog("archive").isVisible()).toBe(true);
    expect((await publicModel(ids.archive)).status).toBe(200);
    await screenshot("archive-refused");

    await dialog("archive").getByLabel("Reason", { exact: true }).fill("Superseded by the v2 family");
    await dialog("archive").getByRole("button", { name: "Archive" }).click();
    await page.waitForURL(/done=archive/);
    expect(await notice()).toBe("The model is archived.");
    expect((await publicModel(ids.archive)).status).toBe(410);
  });

  it("unarchives after confirming", async () => {
    await actionButton("Unarchive").click();
    await dialog("unarchive").waitFor({ state: "visible" });
    await dialog("unarchive").getByRole("button", { name: "Unarchive" }).click();
    await page.waitForURL(/done=unarchive/);
    expect(await notice()).toBe("The model is unarchived.");
    expect((await publicModel(ids.archive)).status).toBe(200);
  });

  it("edit meta: a change made meanwhile by someone else is shown, not overwritten", async () => {
    await openModel(ids.conflict);
    await actionButton("Edit meta").click();
    await dialog("edit-meta").waitFor({ state: "visible" });
    await dialog("edit-meta").getByLabel("Display name").fill("Alice's name");
    // Bob saves first, through the API.
    await adminApi("PATCH", `/admin/models/${ids.conflict}/meta`, { displayName: "Bob's name" });
    await dialog("edit-meta").getByRole("button", { name: "Save meta" }).click();
    await dialog("edit-meta").locator(".notice.warning").waitFor();
    expect(await dialog("edit-meta").locator(".notice.warning").innerText()).toContain(
      "Someone else changed this model while you were editing it, so your changes were not saved.",
    );
    expect(await dialog("edit-meta").getByLabel("Display name").inputValue()).toBe("Bob's name");
    expect((await publicModel(ids.conflict)).body.display_name).toBe("Bob's name");
    await screenshot("edit-meta-conflict");

    // Now filled from the current version, the same edit goes through.
    await dialog("edit-meta").getByLabel("Display name").fill("Alice's name");
    await dialog("edit-meta").getByRole("button", { name: "Save meta" }).click();
    await page.waitForURL(/done=edit-meta/);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toContain("Alice's name");
  });

  it("works a dialog with the keyboard alone", async () => {
    await openModel(ids.keyboard);
    await page.locator("body").focus();
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? "");
    for (let presses = 0; (await focused()) !== "Archive"; presses++) {
      expect(presses, "Tab reaches the Archive button").toBeLessThan(40);
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("Enter");
    await dialog("archive").waitFor({ state: "visible" });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("reason");
    // Escape closes it and gives focus back to the button that opened it.
    await page.keyboard.press("Escape");
    await dialog("archive").waitFor({ state: "hidden" });
    expect(await focused()).toBe("Archive");

    await page.keyboard.press("Enter");
    await dialog("archive").waitFor({ state: "visible" });
    await page.keyboard.type("Archived from the keyboard");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Cancel");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Archive");
    await page.keyboard.press("Enter");
    await page.waitForURL(/done=archive/);
    expect((await publicModel(ids.keyboard)).status).toBe(410);
  });

  it("lists coming sunsets", async () => {
    await page.getByRole("link", { name: "Sunsets" }).click();
    await page.waitForURL(`${UI}/sunsets`);
    expect(await page.locator("tbody").first().innerText()).toContain(ids.legacy);
    await screenshot("sunsets");
  });

  it("refuses a cross-site form post, even one carrying the session cookie and CSRF token", async () => {
    await openModel(ids.csrf);
    const csrfToken = await page.locator('input[name="_csrf"]').first().inputValue();

    // A page on another site posts a form at the dashboard (the browser withholds the SameSite=Strict cookie).
    await page.goto(ATTACKER);
    await page.evaluate(
      ({ action, token }) => {
        const form = document.createElement("form");
        form.method = "post";
        form.action = action;
        for (const [name, value] of Object.entries({ reason: "forged", _csrf: token })) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      },
      { action: `${UI}/models/${ids.csrf}/archive`, token: csrfToken },
    );
    await page.getByRole("heading", { name: "Request refused" }).waitFor();
    expect((await publicModel(ids.csrf)).status).toBe(200);

    // Even with the cookie attached (as a non-browser client could), another origin is refused.
    const forged = await context.request.post(`${UI}/models/${ids.csrf}/archive`, {
      form: { reason: "forged", _csrf: csrfToken },
      headers: { Origin: "http://attacker.test" },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain("Request refused");
    expect((await publicModel(ids.csrf)).status).toBe(200);
  });

  it("signs out", async () => {
    await page.goto(`${UI}/models`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${UI}/sign-in`);
    expect(await context.cookies(UI)).toEqual([]);
    await page.goto(`${UI}/models`);
    expect(page.url()).toBe(`${UI}/sign-in`);
  });

  it("loaded nothing from anywhere but the service", () => {
    expect(blocked).toEqual([]);
  });
});
