/**
 * Planning on the model page in a real browser (spec Part 3): a member of
 * staff schedules a price change for a UTC date and time (seeing it in the
 * browser's zone too), meets a refusal beside the field, cancels the plan,
 * and re-points an alias after a refused target. The alias is made through
 * the admin API, as another member of staff would.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminApi, type Browser, baseUrl, createModel, launchBrowser, publicModel, SCREENSHOTS, signedInPage } from "./browser";

const UI = `${baseUrl}/admin/ui`;
const run = Date.now().toString(36);
const ids = { model: `e2e-plan-${run}`, next: `e2e-plan-next-${run}`, alias: `e2e-plan-alias-${run}` };

let browser: Browser;
let page: Page;
let blocked: string[];

async function screenshot(name: string, options: { fullPage?: boolean } = {}) {
  if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage ?? false });
}

const dialog = (name: string) => page.locator(`#dialog-${name}`);
const notice = () => page.locator(".notice").first().innerText();
/** A UTC instant `days` ahead on a whole minute, as the datetime-local field takes it. */
const utcInput = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 16);

async function openModel(id: string) {
  await page.goto(`${UI}/models/${id}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
}

async function pendingOf(id: string) {
  const { scheduled_changes } = await adminApi("GET", `/admin/scheduled-changes?model=${id}`);
  return scheduled_changes as { id: string; status: string; action: string; body: Record<string, unknown>; effective_at: string }[];
}

beforeAll(async () => {
  await createModel(ids.model, "Plan model");
  await createModel(ids.next, "Next model");
  await adminApi("PUT", `/admin/aliases/${ids.alias}`, { targetModelId: ids.model, reason: "the current snapshot" });
  browser = await launchBrowser();
  ({ page, blocked } = await signedInPage(browser, "e2e-planner"));
});

afterAll(async () => {
  await browser?.close();
});

describe("planning on the model page, in Chromium", () => {
  it("schedules a price change at a UTC time, shown in the local zone too, after a refusal beside the field", async () => {
    await openModel(ids.model);
    await page.locator(".actions").getByRole("button", { name: "Schedule change", exact: true }).click();
    const schedule = dialog("schedule-change");
    await schedule.waitFor({ state: "visible" });

    // A plan that can never become legal: said beside Action, the time typed kept.
    const at = utcInput(2);
    await schedule.getByLabel("Action").selectOption("unarchive");
    expect(await schedule.locator('fieldset[data-action="update_meta"]').isVisible()).toBe(false);
    await schedule.getByLabel("Effective at (UTC)").fill(at);
    await schedule.getByRole("button", { name: "Schedule change" }).click();
    await page.locator("#schedule-change-action-error").waitFor();
    expect(await page.locator("#schedule-change-action-error").innerText()).toBe("the model is not archived");
    expect(await dialog("schedule-change").isVisible()).toBe(true);
    expect(await dialog("schedule-change").getByLabel("Effective at (UTC)").inputValue()).toBe(at);
    expect(await pendingOf(ids.model)).toEqual([]);
    await screenshot("schedule-change-refused");

    await dialog("schedule-change").getByLabel("Action").selectOption("update_meta");
    await dialog("schedule-change").getByLabel("Input cost per million tokens").fill("4321");
    await dialog("schedule-change").getByLabel("Reason", { exact: true }).fill("Provider price rise");
    const local = dialog("schedule-change").locator("output.local-time");
    expect(await local.innerText()).toMatch(/in your time zone \(.+\)\.$/);
    await dialog("schedule-change").getByRole("button", { name: "Schedule change" }).click();
    await page.waitForURL(/done=schedule-change/);
    expect(await notice()).toBe("The change is scheduled.");

    const [change] = await pendingOf(ids.model);
    expect(change).toMatchObject({ status: "pending", action: "update_meta", body: { inputCostPerMillionTokens: 4321 } });
    expect(change?.effective_at).toBe(`${at}:00.000Z`);
    expect((await publicModel(ids.model)).body.upcoming_changes).toHaveLength(1);
    expect(await page.locator("#model-scheduled-changes tbody tr").first().innerText()).toContain("Provider price rise");
    await screenshot("model-plans", { fullPage: true });
  });

  it("cancels the scheduled change after confirming", async () => {
    const [change] = await pendingOf(ids.model);
    await page
      .locator(`tr[data-scheduled-change="${change?.id}"]`)
      .getByRole("button", { name: /^Cancel/ })
      .click();
    const cancel = dialog(`cancel-scheduled-change-${change?.id}`);
    await cancel.waitFor({ state: "visible" });
    await cancel.getByRole("button", { name: "Cancel change" }).click();
    await page.waitForURL(/done=cancel-scheduled-change/);
    expect(await notice()).toBe("The scheduled change is cancelled.");
    expect(await page.getByText("No change is scheduled.").isVisible()).toBe(true);
    expect((await pendingOf(ids.model))[0]?.status).toBe("cancelled");
    expect((await publicModel(ids.model)).body.upcoming_changes).toEqual([]);
  });

  it("re-points an alias after a refused target, and the public API follows", async () => {
    await openModel(ids.model);
    await page
      .locator(`tr[data-alias="${ids.alias}"]`)
      .getByRole("button", { name: `Re-point alias ${ids.alias}` })
      .click();
    const repoint = dialog(`repoint-alias-${ids.alias}`);
    await repoint.waitFor({ state: "visible" });
    await repoint.getByLabel("Target model").fill("no-such-model");
    await repoint.getByLabel("Reason", { exact: true }).fill("Newer snapshot");
    await repoint.getByRole("button", { name: "Re-point alias" }).click();
    const error = page.locator(`[id="repoint-alias-${ids.alias}-target-error"]`);
    await error.waitFor();
    expect(await error.innerText()).toContain("(not_found)");
    const reopened = dialog(`repoint-alias-${ids.alias}`);
    expect(await reopened.getByLabel("Reason", { exact: true }).inputValue()).toBe("Newer snapshot");
    expect(await reopened.getByLabel("Target model").inputValue()).toBe("no-such-model");
    await screenshot("repoint-alias-refused");

    await reopened.getByLabel("Target model").fill(ids.next);
    await reopened.getByRole("button", { name: "Re-point alias" }).click();
    await page.waitForURL(/done=repoint-alias/);
    expect(await notice()).toBe("The alias is re-pointed.");
    expect((await publicModel(ids.alias)).body).toMatchObject({ id: ids.alias, alias_for: ids.next });
    await openModel(ids.next);
    expect(await page.locator(`tr[data-alias="${ids.alias}"]`).isVisible()).toBe(true);
  });

  it("lists a scheduled archive among the sunsets page's scheduled retirements", async () => {
    const effectiveAt = new Date(Date.now() + 10 * 86_400_000).toISOString();
    await adminApi("POST", "/admin/scheduled-changes", { modelId: ids.next, action: "archive", body: { reason: "EOL" }, effectiveAt });
    await page.getByRole("link", { name: "Sunsets" }).click();
    await page.waitForURL(`${UI}/sunsets`);
    expect(await page.locator("#scheduled-retirements").innerText()).toMatch(
      new RegExp(`${ids.next}\\s+Archive at .+ UTC\\s+api-bob\\s+EOL`),
    );
    await screenshot("sunsets-scheduled");
  });

  it("loaded nothing from anywhere but the service", () => {
    expect(blocked).toEqual([]);
  });
});
