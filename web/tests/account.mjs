// The Account page in Debian's Chromium against a real node (run by the Rust test `web.rs`):
// as a development account (POP_AS, e.g. "Bob"), it shows POP and LIT balances and the fee
// quota, previews a mint with its fee in the token that pays it, mints LIT from POP, and shows
// the new LIT balance. POP_PAGE is the page URL (with ?rpc=…). Prints one JSON line; exits
// non-zero on a failed check.
import assert from "node:assert/strict";
import { launch } from "./browser.mjs";

const browser = await launch();
const result = {};
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const state = () => page.evaluate(() => window.popAccount);
  await page.goto(`${process.env.POP_PAGE}&as=${encodeURIComponent(process.env.POP_AS)}`);
  await page.waitForFunction(() => ["ready", "error"].includes(window.popAccount?.phase), null, { timeout: 60_000 });
  const before = await state();
  assert.equal(before.phase, "ready", `the page loaded: ${before.message}`);
  result.before = { pop: String(before.pop), lit: String(before.lit), quota: String(before.quotaLeft) };
  assert.match(await page.locator("#pop").textContent(), /POP/);
  assert.match(await page.locator("#lit").textContent(), /LIT/);

  // Bad input: a clear message, nothing sent.
  await page.locator("#mint input[name=pop]").fill("1.2.3");
  await page.waitForFunction(() => /not an amount/.test(document.querySelector("#mint-preview").textContent));

  await page.locator("#mint input[name=pop]").fill("10");
  await page.waitForFunction(() => /fee: /.test(document.querySelector("#mint-preview").textContent), null, { timeout: 30_000 });
  result.preview = await page.locator("#mint-preview").textContent();
  assert.match(result.preview, /LIT; fee: (free: .* from your fee quota|[\d.,]+ (LIT|POP))/);
  await page.locator("#mint button").click();
  await page.waitForFunction(() => ["done", "error"].includes(window.popAccount.phase), null, { timeout: 90_000 });
  const after = await state();
  result.after = { pop: String(after.pop), lit: String(after.lit), message: after.message };
  assert.equal(after.phase, "done", after.message);
  assert.ok(BigInt(after.lit) > BigInt(before.lit), "the page shows more LIT");
  assert.ok(BigInt(after.pop) < BigInt(before.pop), "and less POP");
  assert.match(await page.locator("#message").textContent(), /Minted in block \d+/);
  assert.deepEqual(errors, []);
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e?.stack ?? e);
  process.exitCode = 1;
} finally {
  console.log(JSON.stringify(result));
  await browser.close();
}
