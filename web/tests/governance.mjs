// The Governance page in Debian's Chromium against a real node (run by `web.rs`): as a
// development account (POP_AS) it lists the open referenda with tracks, tallies and deadlines,
// and votes aye on referendum POP_REFERENDUM with POP_AMOUNT POP at 1× conviction; the page's
// tally shows the vote. Prints one JSON line; exits non-zero on a failed check.
import assert from "node:assert/strict";
import { launch } from "./browser.mjs";

const browser = await launch();
const result = {};
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const state = () => page.evaluate(() => window.popGovernance);
  await page.goto(`${process.env.POP_PAGE}&as=${encodeURIComponent(process.env.POP_AS)}`);
  await page.waitForFunction(() => ["ready", "error"].includes(window.popGovernance?.phase), null, { timeout: 60_000 });
  const before = await state();
  assert.equal(before.phase, "ready", before.message);
  const index = Number(process.env.POP_REFERENDUM);
  const row = before.referenda.find((r) => r.index === index);
  assert.ok(row, `referendum ${index} is listed: ${JSON.stringify(before.referenda)}`);
  result.before = row;
  assert.equal(row.track, "parameters", "the track by name");
  const tr = page.locator(`#referenda tr[data-index="${index}"]`);
  assert.match(await tr.textContent(), /block \d+ \(\d+ blocks\)/, "a deadline");
  await tr.locator("select[name=side]").selectOption("aye");
  await tr.locator("select[name=conviction]").selectOption("1");
  await tr.locator("input[name=amount]").fill(process.env.POP_AMOUNT);
  await tr.locator("button").click();
  await page.waitForFunction(() => ["done", "error"].includes(window.popGovernance.phase), null, { timeout: 90_000 });
  const after = await state();
  assert.equal(after.phase, "done", after.message);
  result.after = after.referenda.find((r) => r.index === index);
  assert.ok(BigInt(result.after.ayes) > BigInt(row.ayes), "the page's tally shows the vote");
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
