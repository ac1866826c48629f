/**
 * The isolate's cache of verified tokens (src/auth/verified-tokens.ts): a
 * token jose accepted is accepted again without jose, never past its `exp`
 * nor past the TTL, and the cache stays bounded.
 */
import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal";
import { VerifiedTokens } from "../../src/auth/verified-tokens";

const alice: Principal = { subject: "alice", role: undefined, tier: "pro", isAdmin: false };
const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const secondsFromT0 = (s: number) => T0 / 1000 + s;

describe("tokens verified before", () => {
  it("are answered from the cache within the TTL", () => {
    const tokens = new VerifiedTokens(10, 60_000);
    tokens.set("t", alice, secondsFromT0(3600), T0);
    expect(tokens.get("t", T0 + 59_999)).toBe(alice);
  });

  it("are verified again once the TTL has passed", () => {
    const tokens = new VerifiedTokens(10, 60_000);
    tokens.set("t", alice, secondsFromT0(3600), T0);
    expect(tokens.get("t", T0 + 60_000)).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it("are never answered from the cache at or after their exp", () => {
    const tokens = new VerifiedTokens(10, 60_000);
    tokens.set("t", alice, secondsFromT0(10), T0);
    expect(tokens.get("t", T0 + 9_999)).toBe(alice);
    expect(tokens.get("t", T0 + 10_000)).toBeUndefined();
  });

  it("keeps nothing for a token whose exp has passed already", () => {
    const tokens = new VerifiedTokens(10, 60_000);
    tokens.set("t", alice, secondsFromT0(-1), T0);
    expect(tokens.size).toBe(0);
  });

  it("holds at most its capacity, dropping the oldest first", () => {
    const tokens = new VerifiedTokens(2, 60_000);
    for (const token of ["a", "b", "c"]) tokens.set(token, alice, secondsFromT0(3600), T0);
    expect(tokens.size).toBe(2);
    expect(tokens.get("a", T0)).toBeUndefined();
    expect(tokens.get("c", T0)).toBe(alice);
  });
});
