// One segment from the masternodes' HTTP endpoints: `k` requests to the best-ranked holders,
// one more for each failure or shard that does not match the manifest, and, each time the hedge
// delay passes with shards missing, one more per unanswered request; the slow ones are aborted
// once `k` valid shards are in. Shards are checked against the manifest and decoded in wasm.

import type { Holders } from "./holders";
import type { WebLayout } from "./wasm/pop_codec_web";

export interface Holder {
  /** Shard index in the segment. */
  index: number;
  /** The holder's HTTP endpoint (URL base). */
  url: string;
  /** Its account, for messages. */
  account: string;
}

export interface SegmentStats {
  /** Shard bytes received and used. */
  bytes: number;
  /** Endpoints the used shards came from. */
  used: string[];
}

export type Report = (line: string) => void;

export class Unavailable extends Error {}

/** How long one shard request may take, connection included, before it counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;

export async function fetchSegment(
  layout: WebLayout,
  key: Uint8Array,
  contentHex: string,
  segment: number,
  holders: Holder[],
  book: Holders,
  report: Report,
  cancel?: AbortSignal,
): Promise<[Uint8Array, SegmentStats]> {
  const k = layout.k;
  const queue = book.rank(holders);
  const got: { index: number; data: Uint8Array; url: string }[] = [];
  const reasons: string[] = [];
  const inFlight = new Map<number, { url: string; abort: AbortController }>();
  let next = 0;
  return await new Promise((resolve, reject) => {
    let hedge: ReturnType<typeof setTimeout> | null = null;
    let done = false;
    const stop = () => {
      done = true;
      if (hedge) clearTimeout(hedge);
      for (const [, r] of inFlight) {
        r.abort.abort();
        book.abandoned(r.url);
      }
      inFlight.clear();
    };
    cancel?.addEventListener("abort", () => {
      if (done) return;
      stop();
      reject(new DOMException("cancelled", "AbortError"));
    });
    const finish = () => {
      if (done) return;
      if (got.length >= k) {
        stop();
        const use = got.slice(0, k);
        const indices = Uint8Array.from(use.map((g) => g.index));
        const len = use[0].data.length;
        const joined = new Uint8Array(len * k);
        use.forEach((g, i) => joined.set(g.data, i * len));
        try {
          const plain = layout.decode(key, segment, indices, joined);
          resolve([plain, { bytes: len * k, used: use.map((g) => g.url) }]);
        } catch (e) {
          reject(e);
        }
      } else if (inFlight.size === 0 && next >= queue.length) {
        stop();
        reject(new Unavailable(`segment ${segment}: ${got.length} of ${k} shards (${reasons.join("; ")})`));
      }
    };
    const ask = () => {
      if (done || next >= queue.length) return false;
      const h = queue[next++];
      const abort = new AbortController();
      inFlight.set(h.index, { url: h.url, abort });
      book.asked(h.url);
      const started = performance.now();
      const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
      fetch(`${h.url}/shard/${contentHex}/${segment}/${h.index}`, { signal, cache: "no-store" })
        .then(async (r) => {
          if (!r.ok) {
            const why = r.headers.get("x-pop-refusal") ?? `HTTP ${r.status}`;
            throw Object.assign(new Error(why), { refused: true });
          }
          return new Uint8Array(await r.arrayBuffer());
        })
        .then(
          (data) => {
            if (done) return;
            inFlight.delete(h.index);
            // Checked before it counts as an answer: a holder that sends garbage fast is not
            // ranked as a fast holder.
            if (layout.verifyShard(segment, h.index, data)) {
              book.answered(h.url, data.length, performance.now() - started);
              got.push({ index: h.index, data, url: h.url });
            } else {
              book.failed(h.url, false);
              reasons.push(`shard ${h.index}: bytes that do not match the manifest`);
              report(`${h.url} sent a shard ${h.index} of segment ${segment} that does not match the manifest; skipped`);
              ask();
            }
            finish();
          },
          (e: Error & { refused?: boolean }) => {
            if (done || (e.name === "AbortError" && abort.signal.aborted)) return;
            inFlight.delete(h.index);
            const why = e.name === "TimeoutError" ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : e.message;
            reasons.push(`shard ${h.index}: ${why}`);
            if (book.failed(h.url, !e.refused)) {
              report(`holder ${h.account} (${h.url}) is unreachable, fetching from the others: ${why}`);
            }
            ask();
            finish();
          },
        );
      return true;
    };
    // Hedge: when the delay passes with shards missing, one more holder per missing shard, with
    // at most two requests in flight per missing shard (as the CLI does).
    const armHedge = () => {
      hedge = setTimeout(() => {
        if (done) return;
        const missing = k - got.length;
        const room = Math.min(missing, 2 * missing - inFlight.size);
        for (let i = 0; i < room; i++) ask();
        if (next < queue.length) armHedge();
      }, book.hedgeDelay());
    };
    for (let i = 0; i < k; i++) ask();
    armHedge();
    finish();
  });
}
