/**
 * Archiving a model someone still calls, in a real browser (spec Part 3 "Who
 * still calls a model"): the model page shows its callers, the Archive dialog
 * says how many called it in the last 24 h and archives only once the model
 * id is typed. Usage is seeded as hourly rollups, as the queue consumer
 * writes them.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect } from "../../scripts/lib/database";
import { type Browser, createModel, launchBrowser, publicModel, signedInPage } from "./browser";

const UI = `${inject("baseUrl")}/admin/ui`;
const id = `e2e-called-${Date.now().toString(36)}`;
const HOUR = 3_600_000;

let browser: Browser;
let page: Page;
let blocked: string[];

async function seedRollups(modelId: string, rows: { caller: string; ago: number; calls: number }[]) {
  const { url, wsProxy } = inject("database");
  const client = await connect(url, wsProxy);
  try {
    for (const { caller, ago, calls } of rows) {
      const at = new Date(Date.now() - ago);
      await client.query(
        "INSERT INTO usage_rollups (hour, model_id, alias, caller, outcome, calls, last_seen) VALUES (date_trunc('hour', $1::timestamptz), $2, NULL, $3, 'allowed', $4, $1)",
        [at.toISOString(), modelId, caller, calls],
      );
    }
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await createModel(id);
  await seedRollups(id, [
    { caller: "team-alpha", ago: HOUR, calls: 120 },
    { caller: "team-beta", ago: 2 * HOUR, calls: 3 },
  ]);
  browser = await launchBrowser();
  ({ page, blocked } = await signedInPage(browser, "e2e-archivist"));
});

afterAll(async () => {
  await browser?.close();
});

describe("archiving a model with recent callers, in Chromium", () => {
  it("shows the model's callers on its page", async () => {
    await page.goto(`${UI}/models/${id}`);
    const usage = page.locator("section", { has: page.getByRole("heading", { name: "Usage" }) });
    expect(await usage.getByRole("row", { name: /Last 24 h/ }).innerText()).toMatch(/Last 24 h\s+123\s+0\s+2/);
    expect(await usage.locator(".usage-callers tbody td code").allInnerTexts()).toEqual(["team-alpha", "team-beta"]);
  });

  it("states the callers and archives only once the model id is typed", async () => {
    const dialog = page.locator("#dialog-archive");
    const archive = dialog.getByRole("button", { name: "Archive" });
    await page.locator(".actions").getByRole("button", { name: "Archive", exact: true }).click();
    await dialog.waitFor({ state: "visible" });
    expect(await dialog.locator(".callers-warning").innerText()).toBe(
      "2 callers used this model through the gate in the last 24 h: they will be refused.",
    );
    await dialog.getByLabel("Reason").fill("Replaced by the v2 family");

    // Another id: the browser holds the form back (the field must match the id).
    const confirm = dialog.getByLabel(`Type ${id} to confirm`);
    await confirm.fill(`${id}-typo`);
    await archive.click();
    expect(await confirm.evaluate((input) => (input as HTMLInputElement).validity.patternMismatch)).toBe(true);
    expect(page.url()).toBe(`${UI}/models/${id}`);
    expect((await publicModel(id)).status).toBe(200);

    // Past the browser's check (a script, an old browser): the server refuses too, and says so in the dialog.
    await confirm.evaluate((input) => {
      input.removeAttribute("pattern");
      input.removeAttribute("required");
    });
    await confirm.fill("");
    await archive.click();
    await page.locator("#confirm_id-error").waitFor();
    expect(await page.locator("#confirm_id-error").innerText()).toBe(`Type ${id} exactly.`);
    expect(await dialog.isVisible()).toBe(true);
    expect((await publicModel(id)).status).toBe(200);

    await dialog.getByLabel(`Type ${id} to confirm`).fill(id);
    await archive.click();
    await page.waitForURL(/done=archive/);
    expect(await page.locator(".notice").first().innerText()).toBe("The model is archived.");
    expect((await publicModel(id)).status).toBe(410);
    expect(blocked).toEqual([]);
  });
});
