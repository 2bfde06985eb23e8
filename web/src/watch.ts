// The Watch page: a content link (`watch.html?id=0x…#<key>`; the key stays in the fragment,
// which the browser sends to no server) → the content's record from the chain, checked against
// its id in wasm → `k` of `n` shards per segment from the masternodes' HTTP endpoints, verified,
// rebuilt and decrypted in the page (`pop-codec` built for wasm32) → Media Source Extensions,
// a few segments ahead. With holders down it keeps playing from the others.

import init, { WebLayout } from "./wasm/pop_codec_web";
import { connect, readContent, readEndpoints, type ContentRecord } from "./chain";
import { fetchSegment, type Holder } from "./fetcher";
import { Holders } from "./holders";
import { fromHex, toHex } from "./hex";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  message: $<HTMLParagraphElement>("message"),
  video: $<HTMLVideoElement>("player"),
  picture: $<HTMLImageElement>("picture"),
  download: $<HTMLAnchorElement>("download"),
  state: $("state"),
  holders: $("holders"),
  throughput: $("throughput"),
  buffered: $("buffered"),
  log: $<HTMLOListElement>("log"),
};

/** What the page is doing, for people (the panel) and for tests (`window.popWatch`). */
const state = {
  phase: "loading" as "loading" | "playing" | "ended" | "error",
  message: "",
  segments: 0,
  k: 0,
  /** The most seconds buffered ahead of the play position seen so far. */
  maxAhead: 0,
  appended: 0,
  bytes: 0,
  holdersUsed: [] as string[],
  log: [] as string[],
  /** When each step of the start ended, in ms since navigation start. */
  steps: {} as Record<string, number>,
};
const step = (name: string) => (state.steps[name] = Math.round(performance.now()));
(window as unknown as { popWatch: typeof state }).popWatch = state;
const started = performance.now();

class Refused extends Error {}

function say(text: string) {
  state.message = text;
  ui.message.textContent = text;
  ui.message.classList.remove("error");
}

function fail(text: string): never {
  throw new Refused(text);
}

function note(line: string) {
  state.log.push(line);
  const li = document.createElement("li");
  li.textContent = line;
  ui.log.append(li);
  console.info(line);
}

function showStats(video?: HTMLVideoElement) {
  ui.holders.textContent = state.holdersUsed.length ? state.holdersUsed.join(", ") : "–";
  const secs = (performance.now() - started) / 1000;
  ui.throughput.textContent = `${((state.bytes * 8) / secs / 1e6).toFixed(1)} Mbit/s of shards`;
  let ahead = "";
  if (video && video.buffered.length) {
    const end = video.buffered.end(video.buffered.length - 1);
    ahead = `, ${Math.max(0, end - video.currentTime).toFixed(1)} s ahead`;
  }
  ui.buffered.textContent = `${state.appended} of ${state.segments}${ahead}`;
}

const STATUS: Record<string, string> = {
  Approved: "approved: published",
  Pending: "waiting for the moderation set's verdict",
  NeedsReview: "held for people to review",
  Rejected: "rejected by moderation",
  Uploading: "still uploading",
};

function layoutOf(id: Uint8Array, r: ContentRecord): WebLayout {
  const n = r.n;
  const hashes = new Uint8Array(r.segments.length * n * 32);
  r.segments.forEach((s, i) => s.shards.forEach((h, j) => hashes.set(h, (i * n + j) * 32)));
  return new WebLayout(
    id,
    r.version,
    r.mediaType,
    r.metadataHash,
    r.k,
    n,
    r.keyCommitment ?? new Uint8Array(32),
    r.timescale,
    Uint32Array.from(r.segments.map((s) => s.plainLen)),
    Uint32Array.from(r.segments.map((s) => s.duration)),
    Uint32Array.from(r.segments.map((s) => s.shardLen)),
    hashes,
  );
}

function once(target: EventTarget, event: string): Promise<void> {
  return new Promise((resolve) => target.addEventListener(event, () => resolve(), { once: true }));
}

async function append(buffer: SourceBuffer, bytes: Uint8Array) {
  if (buffer.updating) await once(buffer, "updateend");
  buffer.appendBuffer(bytes as BufferSource);
  await once(buffer, "updateend");
}

function bufferedAhead(video: HTMLVideoElement): number {
  const b = video.buffered;
  return b.length ? b.end(b.length - 1) - video.currentTime : 0;
}

async function main() {
  const params = new URLSearchParams(location.search);
  const idText = params.get("id") ?? "";
  const id = fromHex(idText);
  if (!id || id.length !== 32) fail("This link names no content: it needs ?id= and 64 hexadecimal digits.");
  const key = fromHex(location.hash.slice(1).replace(/^key=/, ""));
  if (!key || key.length !== 32) fail("This link has no key: the part after # must be the content's 64-digit key.");
  const contentHex = toHex(id);
  say("Reading the content from the chain…");
  // The codec, the chain's answers and the media element are readied side by side: the time
  // to the first frame is the longest of them, not their sum.
  const codec = init().then(() => step("wasm"));
  codec.catch(() => {}); // awaited below
  const chain = connect();
  const endpointsRead = readEndpoints(chain);
  endpointsRead.catch(() => {}); // awaited below, once the content is known to exist
  const source = "MediaSource" in window ? new MediaSource() : null;
  const opened = source ? once(source, "sourceopen") : null;
  const record = await readContent(chain, id);
  step("record");
  await codec;
  if (!record) fail(`No content ${contentHex.slice(0, 18)}… on this chain: check the link.`);
  ui.state.textContent = STATUS[record.status] ?? record.status;
  if (record.status !== "Approved") fail(`Not published: ${STATUS[record.status] ?? record.status}.`);
  let layout: WebLayout;
  try {
    layout = layoutOf(id, record);
  } catch (e) {
    fail(`This content cannot be played here: ${(e as Error).message}.`);
  }
  if (!layout.keyMatches(key)) {
    fail("The key in this link is not this content's key: ask whoever shared it for the full link.");
  }
  const endpoints = await endpointsRead;
  step("endpoints");
  const secure = location.protocol === "https:";
  let skipped = 0;
  const holdersOf = (segment: number): Holder[] =>
    record.segments[segment].holders.flatMap((account, index) => {
      const url = endpoints.get(account);
      if (!url) return [];
      if (secure && !url.startsWith("https:")) {
        skipped++;
        return [];
      }
      return [{ index, url, account }];
    });
  holdersOf(0);
  if (skipped > 0) {
    note(`${skipped} holders serve only plain HTTP, which a page served over https cannot use: skipped`);
  }
  state.segments = record.segments.length;
  const count = record.segments.length;
  state.k = layout.k;
  if (record.segments.length === 0) fail("This content has no segments.");
  const book = new Holders();
  const number = (name: string, fallback: number, min: number, max: number) => {
    const v = Number(params.get(name) ?? fallback);
    return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
  };
  // Segments fetched ahead of the one being appended, and the seconds buffered ahead of the
  // play position at most. Until the first frame, only the init segment and the first media
  // segment are asked for: nothing else competes with them for the links and the codec.
  const ahead = Math.round(number("ahead", 4, 1, 16));
  let reach = Math.min(ahead, 2);
  const cap = number("buffer", 60, 4, 600);

  /** A window of segment fetches from `first` on, cancelled as a whole on a seek. */
  class Window {
    private pending = new Map<number, Promise<[Uint8Array, { bytes: number; used: string[] }]>>();
    private next: number;
    readonly cancel = new AbortController();
    constructor(first: number) {
      this.next = first;
    }
    private fill(s: number) {
      while (this.next < count && this.next < s + reach) {
        const n = this.next++;
        const p = retrying(n, this.cancel.signal);
        p.catch(() => {}); // awaited in order by take()
        this.pending.set(n, p);
      }
    }
    async take(s: number): Promise<Uint8Array> {
      this.fill(s);
      const p = this.pending.get(s) ?? retrying(s, this.cancel.signal);
      this.pending.delete(s); // the page keeps no segment it has handed on
      const [plain, stats] = await p;
      state.bytes += stats.bytes;
      for (const u of stats.used) if (!state.holdersUsed.includes(u)) state.holdersUsed.push(u);
      return plain;
    }
  }
  // A segment no `k` holders served is asked again twice, a second apart, before giving up.
  const retrying = async (s: number, cancel: AbortSignal) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetchSegment(layout, key, contentHex, s, holdersOf(s), book, note, cancel);
      } catch (e) {
        if (cancel.aborted || attempt >= 3) throw e;
        note(`segment ${s}: ${(e as Error).message}; asking again`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };

  if (record.timescale === 0) {
    // Byte segments: a picture is shown, anything else offered as a download.
    say("Fetching…");
    const win = new Window(0);
    const parts: Uint8Array[] = [];
    for (let s = 0; s < record.segments.length; s++) {
      parts.push(await win.take(s));
      state.appended = s + 1;
      showStats();
    }
    if (record.mediaType.startsWith("image/") && !record.mediaType.startsWith("image/svg")) {
      ui.picture.src = URL.createObjectURL(new Blob(parts as BlobPart[], { type: record.mediaType }));
      ui.picture.hidden = false;
    } else {
      // Never in the media type the creator declared: a page of script must not open as one of
      // this app's pages.
      const blob = new Blob(parts as BlobPart[], { type: "application/octet-stream" });
      ui.download.href = URL.createObjectURL(blob);
      ui.download.download = contentHex.slice(2, 18);
      ui.download.hidden = false;
    }
    state.phase = "ended";
    say("Fetched from the masternodes and decoded in this page.");
    return;
  }

  if (!source || !opened || !MediaSource.isTypeSupported(record.mediaType)) {
    fail(`This browser cannot play ${record.mediaType}.`);
  }
  const video = ui.video;
  video.hidden = false;
  video.muted = params.has("muted");
  video.src = URL.createObjectURL(source);
  await opened;
  const buffer = source.addSourceBuffer(record.mediaType);
  // Where each media segment starts, in seconds (segment 0 is the init segment).
  const starts: number[] = [0];
  for (let i = 1, t = 0; i < record.segments.length; i++) {
    starts.push(t);
    t += record.segments[i].duration / record.timescale;
  }
  const segmentAt = (t: number) => {
    let s = 1;
    while (s + 1 < record.segments.length && starts[s + 1] <= t) s++;
    return s;
  };
  let stopped: string | null = null;
  video.addEventListener("error", () => {
    stopped = video.error?.message || `media error ${video.error?.code}`;
    state.phase = "error";
    say(`The player stopped: ${stopped}`);
    ui.message.classList.add("error");
  });
  video.addEventListener("ended", () => {
    state.phase = "ended";
    say("Played to the end.");
  });
  video.addEventListener("timeupdate", () => {
    state.maxAhead = Math.max(state.maxAhead, bufferedAhead(video));
    showStats(video);
  });
  // A seek to a time not buffered restarts the window at the segment playing then: only the
  // segments needed are asked for.
  let seekTo: number | null = null;
  let wake: (() => void) | null = null;
  video.addEventListener("seeking", () => {
    const t = video.currentTime;
    const b = video.buffered;
    for (let i = 0; i < b.length; i++) if (b.start(i) <= t && t < b.end(i)) return;
    seekTo = segmentAt(t);
    wake?.();
  });
  const appendSafely = async (bytes: Uint8Array) => {
    try {
      await append(buffer, bytes);
    } catch (e) {
      if ((e as DOMException).name !== "QuotaExceededError") throw e;
      // The browser's buffer is full: drop what is behind the play position and try once more.
      buffer.remove(0, Math.max(0, video.currentTime - 2));
      await once(buffer, "updateend");
      await append(buffer, bytes);
    }
  };

  say("Buffering…");
  let win = new Window(0);
  step("mse");
  await appendSafely(await win.take(0)); // the init segment
  step("init segment");
  let started = false;
  let s = 1;
  for (;;) {
    while ((s < count || seekTo !== null) && !stopped) {
      if (seekTo !== null) {
        win.cancel.abort();
        s = seekTo;
        seekTo = null;
        win = new Window(s);
        note(`seek: from segment ${s}`);
      }
      let plain: Uint8Array;
      try {
        plain = await win.take(s);
      } catch (e) {
        if (seekTo !== null) continue; // cancelled by a seek
        throw e;
      }
      if (seekTo !== null) continue;
      // Keep at most `cap` seconds ahead, and drop what is well behind.
      while (started && bufferedAhead(video) > cap && !stopped && seekTo === null) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          video.addEventListener("timeupdate", () => resolve(), { once: true });
        });
        wake = null;
      }
      if (seekTo !== null) continue;
      if (video.currentTime > 10 && buffer.buffered.length && buffer.buffered.start(0) < video.currentTime - 10) {
        if (buffer.updating) await once(buffer, "updateend");
        buffer.remove(0, video.currentTime - 8);
        await once(buffer, "updateend");
      }
      await appendSafely(plain);
      state.appended += 1;
      showStats(video);
      if (!started) {
        step("first segment");
        reach = ahead;
        started = true;
        state.phase = "playing";
        say("Playing from the masternodes, decoded in this page.");
        video.play().catch((e) => note(`press play to start (${(e as Error).message})`));
      }
      s += 1;
    }
    if (stopped) return;
    if (buffer.updating) await once(buffer, "updateend");
    if (source.readyState === "open") source.endOfStream();
    // Everything is appended; a seek back to a time no longer buffered starts the loop again.
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = null;
    if (seekTo === null) return;
  }
}

main().catch((e: unknown) => {
  state.phase = "error";
  const text = e instanceof Refused ? e.message : `Playback failed: ${(e as Error)?.message ?? e}`;
  say(text);
  ui.message.classList.add("error");
});
