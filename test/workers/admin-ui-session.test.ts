/**
 * The dashboard's session and its protections: the cookie's attributes,
 * CSRF refusal, the cookie being worthless to the JSON API, role refusal.
 */
import { exports } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { adminToken, BASE_URL, call, mintToken, userToken } from "./support/client";
import { csrfTokenIn, SESSION_COOKIE, signIn, UI, uiGet, uiPost } from "./support/dashboard";
import { createModel } from "./support/fixtures";

const form = (fields: Record<string, string>) => ({
  method: "POST",
  body: new URLSearchParams(fields),
  headers: { Origin: BASE_URL, "Content-Type": "application/x-www-form-urlencoded" },
});

describe("GET /admin/ui/sign-in", () => {
  it("asks for the admin token in a labelled field, with a Sign in button", async () => {
    const response = await call(`${UI}/sign-in`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<label for="token">Admin token</label>');
    expect(html).toMatch(/<button type="submit"[^>]*>Sign in<\/button>/);
  });

  it("has a one-line token field, so Enter in it submits the form (a textarea would take the Enter as a line break)", async () => {
    const html = await (await call(`${UI}/sign-in`)).text();
    expect(html).not.toContain("<textarea");
    expect(html).toMatch(
      /<form method="post" action="\/admin\/ui\/sign-in">.*<input id="token" name="token"[^>]*>.*<button type="submit"/s,
    );
    expect(html).toMatch(/<input id="token"[^>]* type="password"/);
  });
});

/** The sign-in form as a refused token brings it back: the field, its error, and the error tied to it for screen readers. */
function expectSignInFormWithReason(html: string, reason: string) {
  expect(html).toContain('<form method="post" action="/admin/ui/sign-in">');
  expect(html).toContain('<label for="token">Admin token</label>');
  const field = /<input id="token" name="token"[^>]*>/.exec(html)?.[0] ?? "";
  expect(field).toMatch(/aria-describedby="[^"]*\btoken-error\b/);
  expect(field).toContain('aria-invalid="true"');
  expect(/<p id="token-error" class="field-error">([^<]*)<\/p>/.exec(html)?.[1]).toContain(reason);
  expect(html).toMatch(/<button type="submit"[^>]*>Sign in<\/button>/);
}

describe("POST /admin/ui/sign-in", () => {
  it("keeps the token in an HttpOnly, SameSite=Strict, Secure cookie on /admin that expires with the token", async () => {
    const token = await mintToken({ sub: "alice", role: "admin" }, { expiresIn: "2h" });
    const response = await call(`${UI}/sign-in`, form({ token }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`${UI}/models`);
    const setCookie = response.headers.get("Set-Cookie") ?? "";
    const attributes = setCookie.split(/;\s*/);
    expect(attributes[0]).toBe(`${SESSION_COOKIE}=${token}`);
    expect(attributes).toContain("HttpOnly");
    expect(attributes).toContain("SameSite=Strict");
    expect(attributes).toContain("Path=/admin");
    expect(attributes).toContain("Secure");
    const expires = attributes.find((attribute) => attribute.startsWith("Expires="))?.slice("Expires=".length);
    expect(Date.parse(expires ?? "") / 1000).toBe(decodeJwt(token).exp);
  });

  it("leaves Secure off on localhost, where the dashboard runs over plain HTTP", async () => {
    const token = await adminToken();
    const response = await exports.default.fetch(
      new Request("http://localhost:8787/admin/ui/sign-in", {
        ...form({ token }),
        headers: { Origin: "http://localhost:8787", "Content-Type": "application/x-www-form-urlencoded" },
        redirect: "manual",
      }),
    );
    expect(response.status).toBe(303);
    const setCookie = response.headers.get("Set-Cookie") ?? "";
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie.split(/;\s*/)).not.toContain("Secure");
  });

  describe("a refused token re-shows the sign-in form, with the reason beside the Admin token field, and sets no cookie", () => {
    const refusals: { name: string; token: () => Promise<string>; status: number; reason: string }[] = [
      { name: "malformed", token: async () => "not-a-jwt", status: 401, reason: "This token was not accepted: token is invalid" },
      {
        name: "expired",
        token: () => mintToken({ role: "admin" }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }),
        status: 401,
        reason: "token has expired",
      },
      {
        name: "without the admin role",
        token: () => userToken("enterprise_max", "bob"),
        status: 403,
        reason: "The token for bob has no role. The dashboard needs a token with the role admin or super_admin.",
      },
      {
        name: "with another role",
        token: () => mintToken({ sub: "dora", role: "support" }),
        status: 403,
        // As the HTML has it: Hono JSX escapes quotes in text.
        reason: "The token for dora has the role &quot;support&quot;.",
      },
    ];
    for (const refusal of refusals) {
      it(refusal.name, async () => {
        const response = await call(`${UI}/sign-in`, form({ token: await refusal.token() }));
        expect(response.status).toBe(refusal.status);
        expect(response.headers.get("Set-Cookie")).toBeNull();
        expectSignInFormWithReason(await response.text(), refusal.reason);
      });
    }
  });

  it("refuses a sign-in posted from another site", async () => {
    const response = await call(`${UI}/sign-in`, {
      ...form({ token: await adminToken() }),
      headers: { Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("Set-Cookie")).toBeNull();
  });
});

describe("pages without a valid session", () => {
  it("send a visitor with no cookie to the sign-in page", async () => {
    for (const path of [`${UI}/models`, `${UI}/sunsets`, `${UI}/models/gpt-4`, `${UI}/`]) {
      const response = await call(path);
      expect(response.status, path).toBe(303);
      expect(response.headers.get("Location"), path).toMatch(/^\/admin\/ui\/(sign-in|models)$/);
    }
    const viaRoot = await call(`${UI}/models`);
    expect(viaRoot.headers.get("Location")).toBe(`${UI}/sign-in`);
  });

  it("send an expired session to the sign-in page and clear the cookie", async () => {
    const expired = await mintToken({ role: "admin" }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const response = await call(`${UI}/models`, { headers: { Cookie: `${SESSION_COOKIE}=${expired}` } });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`${UI}/sign-in?session=expired`);
    expect(response.headers.get("Set-Cookie")).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    const page = await call(`${UI}/sign-in?session=expired`);
    expect(await page.text()).toContain("Your session has ended. Sign in again.");
  });

  it("refuse a cookie holding a token without the admin role", async () => {
    const token = await userToken("pro", "carol");
    const response = await call(`${UI}/models`, { headers: { Cookie: `${SESSION_COOKIE}=${token}` } });
    expect(response.status).toBe(403);
    const html = await response.text();
    expectSignInFormWithReason(html, "The token for carol has no role");
    expect(html).not.toContain("<table>");
  });
});

describe("POST /admin/ui/sign-out", () => {
  it("clears the cookie and returns to the sign-in page", async () => {
    const { cookie } = await signIn();
    const response = await uiPost(`${UI}/sign-out`, cookie, {});
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`${UI}/sign-in`);
    const cleared = response.headers.get("Set-Cookie") ?? "";
    expect(cleared).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    expect(cleared).toContain("Max-Age=0");
    expect(cleared).toContain("Path=/admin");
  });
});

describe("CSRF protection on dashboard state changes", () => {
  const archive = async (options: Parameters<typeof uiPost>[3]) => {
    const model = await createModel();
    const { cookie } = await signIn();
    const response = await uiPost(`${UI}/models/${model.id}/archive`, cookie, { reason: "csrf test" }, options);
    const after = await call(`/v1/models/${model.id}`);
    return { response, archived: after.status === 410, cookie };
  };

  it("accepts a same-origin form carrying the session's CSRF token", async () => {
    const { response, archived } = await archive({});
    expect(response.status).toBe(303);
    expect(archived).toBe(true);
  });

  it("refuses a cross-origin POST that carries the cookie and even the right token", async () => {
    const { response, archived } = await archive({ origin: "https://evil.example", fetchSite: "cross-site" });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Request refused");
    expect(archived).toBe(false);
  });

  it("refuses a POST without Origin or Sec-Fetch-Site", async () => {
    const { response, archived } = await archive({ origin: null });
    expect(response.status).toBe(403);
    expect(archived).toBe(false);
  });

  it("refuses a same-origin POST without the CSRF token", async () => {
    const { response, archived } = await archive({ csrf: null });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("did not come from a dashboard page");
    expect(archived).toBe(false);
  });

  it("refuses a CSRF token from another session", async () => {
    const other = await signIn(await mintToken({ sub: "mallory", role: "admin" }));
    const foreign = csrfTokenIn((await uiGet(`${UI}/models`, other.cookie)).html);
    const { response, archived } = await archive({ csrf: foreign });
    expect(response.status).toBe(403);
    expect(archived).toBe(false);
  });

  it("refuses a body that is not a form (JSON cannot slip past the origin check)", async () => {
    const model = await createModel();
    const { cookie } = await signIn();
    const response = await call(`${UI}/models/${model.id}/archive`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/json", Origin: BASE_URL },
      body: JSON.stringify({ reason: "json" }),
    });
    expect(response.status).toBe(415);
    expect((await call(`/v1/models/${model.id}`)).status).toBe(200);
  });
});

describe("the session cookie and the JSON admin API", () => {
  it("is not accepted by /admin/models: reads and writes still need the Authorization header", async () => {
    const model = await createModel();
    const { cookie } = await signIn();
    const read = await call(`/admin/models/${model.id}`, { headers: { Cookie: cookie } });
    expect(read.status).toBe(401);
    expect(((await read.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    const write = await call(`/admin/models/${model.id}/archive`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: BASE_URL, "Content-Type": "application/json" },
      body: JSON.stringify({ reason: "via cookie" }),
    });
    expect(write.status).toBe(401);
    expect((await call(`/v1/models/${model.id}`)).status).toBe(200);
  });

  it("does not make /v1/models?includeArchived=true an admin request", async () => {
    const { cookie } = await signIn();
    const response = await call("/v1/models?includeArchived=true", { headers: { Cookie: cookie } });
    expect(response.status).toBe(403);
  });
});

describe("dashboard responses", () => {
  it("are HTML with a strict Content-Security-Policy and no-store caching", async () => {
    const { cookie } = await signIn();
    const { response } = await uiGet(`${UI}/models`, cookie);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(response.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("answer a failure in the app's middleware before the dashboard (a query string too long) with a page, not JSON", async () => {
    const { cookie } = await signIn();
    const query = Array.from({ length: 20 }, (_, i) => `p${i}=1`).join("&");
    const { response, html } = await uiGet(`${UI}/models?${query}`, cookie);
    expect(response.status).toBe(400);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(html).toContain("at most 16 query parameters are accepted");
  });

  it("answer an unknown dashboard path with an HTML page, not JSON", async () => {
    const { cookie } = await signIn();
    const { response, html } = await uiGet(`${UI}/nowhere`, cookie);
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(html).toContain("There is no such page in the dashboard.");
  });
});
