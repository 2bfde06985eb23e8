// The Watch page in a real headless Chromium against a real node and masternodes, run by the
// Rust end-to-end test `web.rs` (which starts them, uploads and publishes a clip, and kills
// holders between runs). One run per mode:
//
//   play      the clip plays: currentTime passes several segments, no media error, a frame that
//             is not blank; every shard came from a masternode's HTTP port (none from elsewhere)
//   dead      (two holders killed before it starts, the buffer capped below the clip's length)
//             it plays to the end, the dead holders are reported once each
//   wrongkey  a link with another key says so and asks nothing of the masternodes
//   unknown   a link to an id the chain does not know says so
//
// Environment: POP_PAGE (the page URL without the fragment), POP_KEY, POP_MODE,
// POP_MASTERNODES (their HTTP URL bases, comma-separated), POP_DEAD (the dead ones'),
// POP_SCREENSHOT (where to save a frame). Prints one JSON line of what it saw; exits non-zero,
// with the reason, on any failed check.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { launch } from "./browser.mjs";

const env = (name) => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const mode = env("POP_MODE");
const page_url = env("POP_PAGE");
const masternodes = env("POP_MASTERNODES").split(",");
const dead = (process.env.POP_DEAD ?? "").split(",").filter(Boolean);
const pageOrigin = new URL(page_url).origin;

const browser = await launch();
const result = { mode };
try {
  const page = await browser.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const sockets = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  const rpc = new URL(page_url).searchParams.get("rpc");
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const state = () => page.evaluate(() => window.popWatch);
  const waitFor = async (what, pred, ms) => {
    const until = Date.now() + ms;
    for (;;) {
      const s = await state();
      if (pred(s)) return s;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
      await page.waitForTimeout(100);
    }
  };

  if (mode === "play" || mode === "dead") {
    const query = mode === "dead" ? "&buffer=6&ahead=2" : "";
    await page.goto(`${page_url}${query}&muted#${env("POP_KEY")}`);
    await waitFor("playback", (s) => s?.phase === "playing" || s?.phase === "error", 60_000);
    // Faster than real time: the checks are about what plays, not how long.
    await page.evaluate(() => {
      document.querySelector("video").playbackRate = 2;
    });
    const segments = (await state()).segments;
    if (mode === "play") {
      // Past several segments (of about 4 s each).
      await page.waitForFunction(() => document.querySelector("video").currentTime > 9, null, {
        timeout: 60_000,
      });
    } else {
      await waitFor("the end", (s) => s.phase === "ended" || s.phase === "error", 120_000);
    }
    const video = await page.evaluate(() => {
      const v = document.querySelector("video");
      const c = document.createElement("canvas");
      c.width = v.videoWidth;
      c.height = v.videoHeight;
      const g = c.getContext("2d");
      g.drawImage(v, 0, 0);
      const px = g.getImageData(0, 0, c.width, c.height).data;
      let sum = 0;
      let sq = 0;
      const n = px.length / 4;
      for (let i = 0; i < px.length; i += 4) {
        const y = 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
        sum += y;
        sq += y * y;
      }
      const mean = sum / n;
      return {
        currentTime: v.currentTime,
        duration: v.duration,
        error: v.error ? v.error.message || String(v.error.code) : null,
        ended: v.ended,
        width: v.videoWidth,
        height: v.videoHeight,
        lumaStddev: Math.sqrt(Math.max(0, sq / n - mean * mean)),
      };
    });
    if (process.env.POP_SCREENSHOT) {
      writeFileSync(process.env.POP_SCREENSHOT, await page.locator("video").screenshot());
    }
    const s = await state();
    Object.assign(result, { video, state: s, segments });
    assert.equal(video.error, null, "no media error");
    assert.notEqual(s.phase, "error", `the page reports no error: ${s.message}`);
    assert.ok(video.width > 0 && video.height > 0, "a decoded frame");
    assert.ok(video.lumaStddev > 10, `the frame is not blank (luma stddev ${video.lumaStddev})`);
    if (mode === "dead") {
      assert.ok(video.ended, "played to the end");
      // Never much more than the cap (6 s) buffered ahead: one segment (about 4 s) over at most.
      assert.ok(s.maxAhead <= 6 + 4.5, `buffered ahead at most ${s.maxAhead} s`);
      assert.ok(video.duration > 6 * 1.5, "the buffer cap (6 s) is below the clip's length");
      for (const d of dead) {
        const reports = s.log.filter((l) => l.includes(`(${d})`) && l.includes("unreachable"));
        assert.equal(reports.length, 1, `${d} reported once: ${JSON.stringify(s.log)}`);
        assert.ok(!s.holdersUsed.includes(d), `${d} served nothing`);
      }
    } else {
      assert.ok(video.currentTime > 9, "past several segments");
    }
    // Every shard from a masternode's HTTP port; nothing else but the page and the chain.
    const shardRequests = requests.filter((u) => u.includes("/shard/"));
    result.shardRequests = shardRequests.length;
    assert.ok(s.k >= 2, "k from the manifest");
    // The init segment and each media segment appended: k shards each, at least.
    assert.ok(shardRequests.length >= (s.appended + 1) * s.k, "k shards per segment, fetched by the page");
    for (const u of shardRequests) {
      assert.ok(masternodes.some((m) => u.startsWith(`${m}/shard/`)), `${u} is a masternode's HTTP port`);
    }
    for (const u of requests) {
      const ok = u.startsWith(pageOrigin) || u.startsWith("blob:") || masternodes.some((m) => u.startsWith(m));
      assert.ok(ok, `${u}: no request goes anywhere else (no proxy)`);
    }
    // The only socket is the chain node's; the key (in the fragment) reaches no server.
    assert.ok(sockets.length >= 1 && sockets.every((u) => u.replace(/\/$/, "") === rpc), `sockets: ${sockets}`);
    const key = env("POP_KEY");
    for (const u of [...requests, ...sockets]) assert.ok(!u.includes(key), `${u} carries the key`);
  } else if (mode === "wrongkey" || mode === "unknown") {
    await page.goto(`${page_url}#${env("POP_KEY")}`);
    const s = await waitFor("a message", (s) => s?.phase === "error", 30_000);
    result.state = s;
    const text = await page.locator("#message").textContent();
    result.message = text;
    if (mode === "wrongkey") {
      assert.match(text, /not this content's key/);
    } else {
      assert.match(text, /No content .* on this chain/);
    }
    assert.equal(requests.filter((u) => u.includes("/shard/")).length, 0, "no shard asked for");
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  assert.deepEqual(consoleErrors, [], "no uncaught error in the page");
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e?.stack ?? e);
  process.exitCode = 1;
} finally {
  console.log(JSON.stringify(result));
  await browser.close();
}
