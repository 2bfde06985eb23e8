// The page side of `scripts/bench-web`: what the Watch page does per segment (verify `k`
// shards, rebuild, decrypt) with `pop-codec` in wasm, on a 4-second segment of 5 Mbit/s video
// (`?size=` bytes, default 2,500,000). Publishes the median of 15 runs as `window.popBench`.

import init, { BenchSegment } from "./wasm/pop_codec_web";

async function run() {
  await init();
  const size = Number(new URLSearchParams(location.search).get("size") ?? 2_500_000);
  const bench = new BenchSegment(size, 4, 6);
  bench.decode();
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    bench.decode();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  (window as unknown as { popBench: unknown }).popBench = { size, ms };
  document.getElementById("result")!.textContent = `${size} bytes decoded in ${ms.toFixed(1)} ms`;
}

run().catch((e) => {
  (window as unknown as { popBench: unknown }).popBench = { error: String(e) };
});
