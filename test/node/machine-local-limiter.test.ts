/** The bench's stand-in for a deployed Rate Limiting binding counts as the binding does. */
import { describe, expect, it } from "vitest";
import { MachineLocalLimiter } from "../../bench/machine-local-limiter";

const MINUTE = 60_000;

describe("MachineLocalLimiter", () => {
  it("allows `limit` calls per key in a window and refuses the next", async () => {
    const limiter = new MachineLocalLimiter(3, MINUTE, () => 5 * MINUTE + 1);
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await limiter.limit({ key: "ip:1" })).success);
    expect(outcomes).toEqual([true, true, true, false]);
  });

  it("counts each key apart", async () => {
    const limiter = new MachineLocalLimiter(1, MINUTE, () => 0);
    expect((await limiter.limit({ key: "a" })).success).toBe(true);
    expect((await limiter.limit({ key: "b" })).success).toBe(true);
    expect((await limiter.limit({ key: "a" })).success).toBe(false);
  });

  it("starts every key over when the clock enters the next window", async () => {
    let now = MINUTE - 1;
    const limiter = new MachineLocalLimiter(1, MINUTE, () => now);
    await limiter.limit({ key: "a" });
    expect((await limiter.limit({ key: "a" })).success).toBe(false);
    now = MINUTE;
    expect((await limiter.limit({ key: "a" })).success).toBe(true);
  });
});
