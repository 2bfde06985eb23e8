// Opens the codec benchmark page (POP_PAGE) in Debian's Chromium and prints its result as JSON.
import { launch } from "./browser.mjs";

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(process.env.POP_PAGE);
  await page.waitForFunction(() => window.popBench, null, { timeout: 120_000 });
  console.log(JSON.stringify(await page.evaluate(() => window.popBench)));
} finally {
  await browser.close();
}
