// The Moderation page in Debian's Chromium against a real node (run by `web.rs`): as the
// creator (POP_AS) it lists POP_CONTENT as rejected with the moderation set's verdict, and files
// an appeal with a reason; the page then shows the appeal. Prints one JSON line; exits non-zero
// on a failed check.
import assert from "node:assert/strict";
import { launch } from "./browser.mjs";

const browser = await launch();
const result = {};
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const state = () => page.evaluate(() => window.popModeration);
  await page.goto(`${process.env.POP_PAGE}&as=${encodeURIComponent(process.env.POP_AS)}`);
  await page.waitForFunction(() => ["ready", "error"].includes(window.popModeration?.phase), null, { timeout: 60_000 });
  const before = await state();
  assert.equal(before.phase, "ready", before.message);
  const id = process.env.POP_CONTENT;
  const row = before.content.find((c) => c.id === id);
  assert.ok(row, `the creator's content is listed: ${JSON.stringify(before.content)}`);
  assert.equal(row.status, "Rejected");
  assert.match(row.verdict, /^Reject by \d+ of the era-\d+ set$/);
  // The members' scores from the certificate (its signers ran no classifier: policy alone).
  assert.ok(row.scores.length >= 3, `the certificate's scores: ${JSON.stringify(row.scores)}`);
  assert.ok(row.scores.every((s) => s === null), JSON.stringify(row.scores));
  assert.match(await page.locator(`#content tr[data-id="${id}"]`).innerText(), /scores none, none, none/);
  result.before = row;
  const tr = page.locator(`#content tr[data-id="${id}"]`);
  // An empty reason is refused by the form itself: nothing is sent.
  await tr.locator("button").click();
  assert.equal((await state()).phase, "ready", "nothing sent without a reason");
  await tr.locator("input[name=reason]").fill(process.env.POP_REASON);
  await tr.locator("button").click();
  await page.waitForFunction(() => ["done", "error"].includes(window.popModeration.phase), null, { timeout: 90_000 });
  const after = await state();
  assert.equal(after.phase, "done", after.message);
  result.after = after.content.find((c) => c.id === id);
  assert.ok(result.after.appeal?.includes(process.env.POP_REASON), "the page shows the appeal");
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
