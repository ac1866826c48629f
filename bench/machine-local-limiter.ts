/**
 * The Rate Limiting binding as a deployed Worker meets it: Cloudflare answers
 * `limit()` from counters cached on the machine the Worker runs on and syncs
 * them in the background, so a call does no I/O. Miniflare emulates the
 * binding with a fetch to a Durable Object and a SQLite write per call (about
 * 1 ms of the Worker runtime's CPU per request here), which no deployed
 * Worker pays. The bench's judged rows give the app this stand-in: the same
 * interface and the same fixed windows, a counter per key in the isolate,
 * answered on the next microtask; its (-mf) rows keep Miniflare's binding.
 */
export class MachineLocalLimiter {
  readonly #counts = new Map<string, number>();
  #window = Number.NaN;

  constructor(
    private readonly perPeriod: number,
    private readonly periodMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async limit({ key }: { key: string }): Promise<{ success: boolean }> {
    // Windows aligned to the clock, as the binding's: every key starts over together.
    const window = Math.floor(this.now() / this.periodMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#counts.clear();
    }
    const count = this.#counts.get(key) ?? 0;
    if (count >= this.perPeriod) return { success: false };
    this.#counts.set(key, count + 1);
    return { success: true };
  }
}
