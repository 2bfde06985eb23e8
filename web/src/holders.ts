// What the page knows about the masternodes holding a content's shards, shared by every
// segment in flight (as the CLI's `holders.rs`): who answered and how fast, who is asked and
// silent, who failed. It ranks holders for each segment and sets the hedge delay after which a
// segment asks more holders than it needs.

/** The hedge delay before anything is measured. */
export const FIRST_HEDGE_MS = 40;
const MIN_HEDGE_MS = 15;
const MAX_HEDGE_MS = 2000;

interface Holder {
  msPerMiB: number;
  failures: number;
  proven: boolean;
  waiting: number;
  waitingSince: number | null;
  lastAnswer: number | null;
}

/** How long `h` has kept a request waiting without answering anything (since its oldest
 *  request out, or its last answer if later: a busy holder that keeps answering is not silent);
 *  null with nothing out. */
function silentFor(h: Holder, now: number): number | null {
  if (h.waitingSince === null) return null;
  return now - Math.max(h.waitingSince, h.lastAnswer ?? h.waitingSince);
}

export class Holders {
  private holders = new Map<string, Holder>();
  private latency: [number, number] | null = null;
  private reported = new Set<string>();

  private get(url: string): Holder {
    let h = this.holders.get(url);
    if (!h) {
      h = { msPerMiB: 0, failures: 0, proven: false, waiting: 0, waitingSince: null, lastAnswer: null };
      this.holders.set(url, h);
    }
    return h;
  }

  /** Smoothed latency plus four deviations, within [15 ms, 2 s]. */
  hedgeDelay(): number {
    if (!this.latency) return FIRST_HEDGE_MS;
    const [mean, dev] = this.latency;
    return Math.min(MAX_HEDGE_MS, Math.max(MIN_HEDGE_MS, mean + 4 * dev));
  }

  /** Best first: answered (fastest first), unknown, silent past the hedge delay (those that
   *  answered before first), failed. */
  rank<T extends { url: string }>(holders: T[]): T[] {
    const now = performance.now();
    const delay = this.hedgeDelay();
    const key = (url: string): [number, number, number] => {
      const h = this.holders.get(url);
      if (!h) return [1, 1, 0];
      const silent = (silentFor(h, now) ?? 0) > delay;
      const tier = h.failures > 0 ? 3 : silent ? 2 : h.proven ? 0 : 1;
      return [tier, h.proven ? 0 : 1, h.msPerMiB];
    };
    return [...holders].sort((a, b) => {
      const [ta, pa, sa] = key(a.url);
      const [tb, pb, sb] = key(b.url);
      return ta - tb || pa - pb || sa - sb;
    });
  }

  asked(url: string) {
    const h = this.get(url);
    if (h.waiting === 0) h.waitingSince = performance.now();
    h.waiting += 1;
  }

  private settled(h: Holder) {
    h.waiting = Math.max(0, h.waiting - 1);
    if (h.waiting === 0) h.waitingSince = null;
  }

  answered(url: string, bytes: number, ms: number) {
    this.latency = this.latency
      ? [0.875 * this.latency[0] + 0.125 * ms, 0.75 * this.latency[1] + 0.25 * Math.abs(ms - this.latency[0])]
      : [ms, ms / 2];
    const h = this.get(url);
    this.settled(h);
    const sample = ms / (Math.max(1, bytes) / 1048576);
    h.msPerMiB = h.msPerMiB === 0 ? sample : 0.7 * h.msPerMiB + 0.3 * sample;
    h.failures = 0;
    h.proven = true;
    h.lastAnswer = performance.now();
  }

  /** A request failed; returns true the first time an unreachable holder fails (report it). */
  failed(url: string, unreachable: boolean): boolean {
    const h = this.get(url);
    this.settled(h);
    h.failures += 1;
    if (!unreachable || this.reported.has(url)) return false;
    this.reported.add(url);
    return true;
  }

  /** A request was given up before it answered (its segment had enough shards). */
  abandoned(url: string) {
    this.settled(this.get(url));
  }
}
