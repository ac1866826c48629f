/**
 * Shared by the browser tests: Chromium from Debian (/usr/bin/chromium) driven
 * by playwright-core, locked to the service under test, and small clients
 * for the JSON API to set up and check what the dashboard did.
 */
import { SignJWT } from "jose";
import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { inject } from "vitest";

export const baseUrl = inject("baseUrl");
const jwt = inject("jwt");

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** The browser itself must send nothing off this machine. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * A browser context that loads only from the Worker under test: any other
 * request is aborted and recorded (the test then fails), except pages a test
 * synthesizes itself with `synthesized` (an attacker's page, never fetched).
 */
export async function lockedContext(browser: Browser, synthesized: Record<string, string> = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const blocked: string[] = [];
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith(`${baseUrl}/`)) return route.continue();
    const page = synthesized[url];
    if (page !== undefined) return route.fulfill({ status: 200, contentType: "text/html", body: page });
    blocked.push(url);
    return route.abort();
  });
  return { context, blocked };
}

/** A page in a locked context, signed in to the dashboard as an admin named `subject`. */
export async function signedInPage(browser: Browser, subject: string) {
  const { context, blocked } = await lockedContext(browser);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${baseUrl}/admin/ui/sign-in`);
  await page.getByLabel("Admin token").fill(await mintToken({ role: "admin" }, subject));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${baseUrl}/admin/ui/models`);
  return { page, blocked };
}

export function mintToken(claims: Record<string, string>, subject: string, expiresIn = "1h") {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(subject)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(jwt.secret));
}

/** The JSON admin API, as another member of staff (or a script) would call it. */
export async function adminApi(method: string, path: string, body?: unknown, subject = "api-bob") {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${await mintToken({ role: "admin" }, subject)}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export async function publicModel(id: string) {
  const response = await fetch(`${baseUrl}/v1/models/${id}`);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/** Creates a model for one test through the JSON API. */
export async function createModel(id: string, displayName = `Model ${id}`) {
  await adminApi("POST", "/admin/models", {
    id,
    name: id,
    provider: "e2e-labs",
    meta: {
      displayName,
      description: "Made by the browser tests",
      capabilities: ["text", "code"],
      contextLength: 65536,
      maxOutputTokens: 8192,
      inputCostPerMillionTokens: 150,
      outputCostPerMillionTokens: 600,
      creditsPer1kTokens: 2,
      requiredTier: "free",
      tierRestrictionMode: "minimum",
      allowedTiers: ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max"],
    },
  });
  return id;
}

export const SCREENSHOTS = process.env.E2E_SCREENSHOTS;

export type { Browser, BrowserContext };
