import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /healthz", () => {
  it("reports the database as reachable", async () => {
    const response = await exports.default.fetch("http://catalog.test/healthz");
    expect(response.status).toBe(200);
    const body = await response.json<{ status: string; database: { reachable: boolean } }>();
    expect(body).toMatchObject({ status: "ok", database: { reachable: true } });
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
  });
});
