/**
 * A "new isolate" for tests and the benchmark: forgets everything this
 * isolate memoized about the catalog (each test file shares one isolate).
 * Lives outside src/, so it never ships.
 */
import { emptyMemo, isolateMemo } from "../src/catalog/isolate-memo";

export function forgetMemoizedCatalog() {
  Object.assign(isolateMemo, emptyMemo());
}
