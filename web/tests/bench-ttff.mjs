// Time to first frame in Debian's Chromium: the Watch page (POP_PAGE, key POP_KEY) playing
// content from the masternodes, against the same CMAF file (POP_FILE, what `pop fetch` wrote)
// served as plain HTTP from this machine to a plain <video>. Run by `bench-watch`
// (`scripts/bench-watch`), which starts the node and masternodes and publishes the clip.
//
// Each round opens each page in a fresh browser context (nothing cached), alternating, and
// takes the time from navigation start to the first video frame presented (the first
// requestVideoFrameCallback after `playing`). Prints one JSON line: each page's times in ms,
// and for the Watch page when each step of its start ended (`window.popWatch.steps`).
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { launch } from "./browser.mjs";

const env = (name) => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const rounds = Number(process.env.POP_ROUNDS ?? 5);
const clip = readFileSync(env("POP_FILE"));

// A plain HTTP server: the page, and the file with byte ranges as any web server serves it.
const plainPage = `<!doctype html><title>plain</title>
<video src="/clip.mp4" autoplay muted playsinline></video>`;
const server = createServer((req, res) => {
  if (req.url === "/plain.html") {
    res.writeHead(200, { "content-type": "text/html" }).end(plainPage);
    return;
  }
  if (req.url !== "/clip.mp4") {
    res.writeHead(404).end();
    return;
  }
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
  if (!range) {
    res.writeHead(200, {
      "content-type": "video/mp4",
      "content-length": clip.length,
      "accept-ranges": "bytes",
    });
    res.end(clip);
    return;
  }
  const start = Number(range[1]);
  const end = range[2] ? Math.min(Number(range[2]), clip.length - 1) : clip.length - 1;
  res.writeHead(206, {
    "content-type": "video/mp4",
    "content-length": end - start + 1,
    "content-range": `bytes ${start}-${end}/${clip.length}`,
    "accept-ranges": "bytes",
  });
  res.end(clip.subarray(start, end + 1));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const plainUrl = `http://127.0.0.1:${server.address().port}/plain.html`;

// In every page, before its scripts: the first frame presented by any <video>, in ms since
// navigation start.
const hook = () => {
  window.popFirstFrame = null;
  const watch = (v) => {
    if (v.popHooked) return;
    v.popHooked = true;
    v.addEventListener(
      "playing",
      () => v.requestVideoFrameCallback(() => (window.popFirstFrame ??= performance.now())),
      { once: true },
    );
  };
  new MutationObserver(() => document.querySelectorAll("video").forEach(watch)).observe(document, {
    subtree: true,
    childList: true,
  });
};

const browser = await launch();
const result = { watch: [], plain: [], steps: [] };
try {
  const firstFrame = async (url) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.addInitScript(hook);
      await page.goto(url);
      await page.waitForFunction(() => window.popFirstFrame !== null, null, { timeout: 60_000 });
      const ms = await page.evaluate(() => window.popFirstFrame);
      const watch = await page.evaluate(() => window.popWatch);
      if (watch?.phase === "error") throw new Error(`the page failed: ${JSON.stringify(watch)}`);
      if (watch) {
        // The shard requests of the first two segments: when each started and ended.
        const shards = await page.evaluate(() =>
          performance
            .getEntriesByType("resource")
            .filter((e) => /\/shard\/[^/]+\/[01]\//.test(e.name))
            .map((e) => `${e.name.split("/shard/")[1].slice(66)} ${Math.round(e.startTime)}-${Math.round(e.responseEnd)}`),
        );
        result.steps.push({ ...watch.steps, frame: Math.round(ms), shards });
      }
      return ms;
    } finally {
      await context.close();
    }
  };
  const watchUrl = `${env("POP_PAGE")}&muted#${env("POP_KEY")}`;
  // One of each first, not counted: the browser's own start-up (its first process, codecs).
  await firstFrame(plainUrl);
  await firstFrame(watchUrl);
  for (let i = 0; i < rounds; i++) {
    result.plain.push(await firstFrame(plainUrl));
    result.watch.push(await firstFrame(watchUrl));
  }
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e?.stack ?? e);
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
