/**
 * A failure that is not an Error instance: the database driver rejects with
 * a socket's failure when a connection drops mid-transaction (found by the
 * soak), and Hono hands only Error instances to the app's error handler.
 * Such a rejection must be answered like any other failure, in the error
 * envelope, never escape as a bare 500.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Lifecycle } from "../../src/lifecycle/lifecycle";
import { adminPost, expectError } from "./support/client";
import { createModel } from "./support/fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a rejection that is not an Error", () => {
  it("answers 503 database_unavailable in the error envelope when it says the connection was lost", async () => {
    const model = await createModel();
    // What the driver hands up: an object with a message, not an Error.
    vi.spyOn(Lifecycle.prototype, "unmarkLegacy").mockRejectedValue({ message: "Network connection lost." });
    const response = await adminPost(`/admin/models/${model.id}/unmark-legacy`);
    const body = await expectError(response, 503, "database_unavailable");
    expect(JSON.stringify(body)).not.toContain("Network connection lost");
  });

  it("answers 500 internal_error in the error envelope, with nothing internal, for any other thrown value", async () => {
    const model = await createModel();
    vi.spyOn(Lifecycle.prototype, "unmarkLegacy").mockRejectedValue("a string, thrown");
    const response = await adminPost(`/admin/models/${model.id}/unmark-legacy`);
    const body = await expectError(response, 500, "internal_error");
    expect(JSON.stringify(body)).not.toContain("a string, thrown");
  });
});
