/** Everything the bench starts is registered here and stopped in reverse: on exit, on error and on Ctrl-C. */
import { liveChildren } from "./load";

type Stop = () => Promise<void> | void;

const cleanups: Stop[] = [];
let cleaning: Promise<void> | undefined;

export function onCleanup(stop: Stop) {
  cleanups.push(stop);
}

/** Stops everything registered (once, however often it is called). */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of liveChildren) child.kill("SIGKILL");
    while (cleanups.length) {
      try {
        await cleanups.pop()?.();
      } catch {}
    }
  })();
  return cleaning;
}

/** Runs (and removes) `stop` and everything registered after it. */
export async function cleanupSince(stop: Stop) {
  const index = cleanups.indexOf(stop);
  if (index < 0) return;
  const mine = cleanups.splice(index);
  for (const each of mine.reverse()) {
    try {
      await each();
    } catch {}
  }
}

export function cleanupOnSignals() {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping everything the bench started…`);
      void cleanup().finally(() => process.exit(130));
    });
  }
}
