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

export async function fetchSegment(
  layout: WebLayout,
  key: Uint8Array,
  contentHex: string,
  segment: number,
  holders: Holder[],
  book: Holders,
  report: Report,
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
    const finish = () => {
      if (done) return;
      if (got.length >= k) {
        done = true;
        if (hedge) clearTimeout(hedge);
        for (const [, r] of inFlight) {
          r.abort.abort();
          book.abandoned(r.url);
        }
        inFlight.clear();
        const indices = Uint8Array.from(got.slice(0, k).map((g) => g.index));
        const len = got[0].data.length;
        const joined = new Uint8Array(len * k);
        got.slice(0, k).forEach((g, i) => joined.set(g.data, i * len));
        try {
          const plain = layout.decode(key, segment, indices, joined);
          resolve([plain, { bytes: len * k, used: got.slice(0, k).map((g) => g.url) }]);
        } catch (e) {
          reject(e);
        }
      } else if (inFlight.size === 0 && next >= queue.length) {
        done = true;
        if (hedge) clearTimeout(hedge);
        reject(new Unavailable(`segment ${segment}: ${got.length} of ${k} shards (${reasons.join("; ")})`));
      }
    };
    const ask = () => {
      if (next >= queue.length) return false;
      const h = queue[next++];
      const abort = new AbortController();
      inFlight.set(h.index, { url: h.url, abort });
      book.asked(h.url);
      const started = performance.now();
      fetch(`${h.url}/shard/${contentHex}/${segment}/${h.index}`, { signal: abort.signal, cache: "no-store" })
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
            book.answered(h.url, data.length, performance.now() - started);
            if (layout.verifyShard(segment, h.index, data)) {
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
            if (done || e.name === "AbortError") return;
            inFlight.delete(h.index);
            reasons.push(`shard ${h.index}: ${e.message}`);
            if (book.failed(h.url, !e.refused)) {
              report(`holder ${h.account} (${h.url}) is unreachable, fetching from the others: ${e.message}`);
            }
            ask();
            finish();
          },
        );
      return true;
    };
    const armHedge = () => {
      hedge = setTimeout(() => {
        if (done) return;
        const waiting = inFlight.size;
        let asked = 0;
        for (let i = 0; i < waiting; i++) if (ask()) asked++;
        if (asked > 0) armHedge();
      }, book.hedgeDelay());
    };
    for (let i = 0; i < k; i++) ask();
    armHedge();
    finish();
  });
}
