// Drives Debian's chromium (never a browser that playwright downloads) through the Waymark console of
// a running daemon. Run by ConsoleBrowserTest (waymark-server e2e), which starts the daemon exactly as
// './waymark run' builds it and checks the daemon's side afterwards.
//
// Input (environment): WAYMARK_URL, WAYMARK_TOKEN_FILE, WAYMARK_SCREENSHOTS (directory), WAYMARK_TARGET
// (the target to fail), WAYMARK_TARGET_ADDRESS. Output: progress lines, then one line
// "RESULT {json}" with what was measured. Exit 1 with the reason (and failure.png) when a step fails.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const url = process.env.WAYMARK_URL;
const token = readFileSync(process.env.WAYMARK_TOKEN_FILE, 'utf8').trim();
const shots = process.env.WAYMARK_SCREENSHOTS;
const target = process.env.WAYMARK_TARGET;
const address = process.env.WAYMARK_TARGET_ADDRESS;
const STEP_MS = 30_000; // every wait is bounded; generous for a loaded machine
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
const consoleErrors = [];
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.on('response', (r) => { if (r.status() >= 400 && r.status() !== 401) consoleErrors.push(r.status() + ' ' + r.url()); });
// The refused write's 401 is expected (step 2); any other error in the page fails the test.
page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('status of 401')) consoleErrors.push(m.text()); });
const result = {};
const shot = (name) => page.screenshot({ path: join(shots, name), fullPage: true });
const log = (s) => console.log('[browser] ' + s);

async function confirmDialog(expectText) {
  const dlg = page.locator('#confirm');
  await dlg.waitFor({ state: 'visible', timeout: STEP_MS });
  const text = await page.locator('#confirm-effect').textContent();
  if (expectText && !text.includes(expectText)) throw new Error('confirmation does not state the effect: ' + text);
  await page.click('#confirm-ok');
  return text;
}

try {
  // 1. The console loads from the daemon alone (no CDN) and goes live over server-sent events.
  await page.goto(url + '/', { timeout: STEP_MS });
  await page.waitForSelector('#conn[data-state=live]', { timeout: STEP_MS });
  await page.waitForSelector(`.target[data-target="${target}"][data-health=UP]`, { timeout: STEP_MS });
  await page.waitForFunction((a) => [...document.querySelectorAll('.endpoint .addr span:first-child')].some((x) => x.textContent === a), address, { timeout: STEP_MS });
  await page.waitForSelector('#chart svg path', { state: 'attached', timeout: STEP_MS }); // a flat step line has no height: attached, not visible
  log('console live, ' + await page.locator('.target').count() + ' targets, ' + await page.locator('.enactor').count() + ' enactors');
  await shot('01-overview.png');

  // 2. A write without the token is refused, and says so; nothing changes.
  await page.click('#lever-pause');
  await confirmDialog('enactors stop writing; DNS keeps answering the last applied records');
  await page.waitForSelector('#toast[data-kind=error]', { timeout: STEP_MS });
  result.refusedText = await page.locator('#toast').textContent();
  if (!result.refusedText.includes('401')) throw new Error('expected a 401 refusal, got: ' + result.refusedText);
  await page.waitForTimeout(500);
  if (await page.locator('#banner-paused').count() !== 0) throw new Error('refused pause shows as paused');
  log('write without token refused: ' + result.refusedText.slice(0, 80));
  await shot('02-refused-without-token.png');

  // 3. A target fails (as an operator's CLI would make it, with the token): the console shows it.
  const t0 = Date.now();
  const r = await fetch(url + '/api/targets/' + target + '/fail', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
  if (r.status !== 200) throw new Error('fail target: HTTP ' + r.status + ' ' + await r.text());
  await page.waitForSelector(`.target[data-target="${target}"][data-health=DOWN]`, { timeout: STEP_MS });
  result.failVisibleMs = Date.now() - t0;
  // The endpoint card lists the served addresses: the failed target's leaves it once an enactor applied the new plan.
  await page.waitForFunction((a) => {
    const shown = [...document.querySelectorAll('.endpoint .addr span:first-child')].map((x) => x.textContent);
    return shown.length > 0 && !shown.includes(a);
  }, address, { timeout: STEP_MS });
  result.answerChangedMs = Date.now() - t0;
  log(`target ${target} DOWN in the console after ${result.failVisibleMs} ms; its address left the endpoint card after ${result.answerChangedMs} ms`);
  await shot('03-target-failed.png');

  // 4. With the token, pause: the confirmation states the effect, the banner shows, enactors stop.
  await page.fill('#token', token);
  await page.click('#token-save');
  await page.waitForSelector('#conn[data-state=live]', { timeout: STEP_MS });
  await page.click('#lever-pause');
  result.pauseConfirmation = await confirmDialog('enactors stop writing; DNS keeps answering the last applied records');
  await page.waitForSelector('#toast[data-kind=ok]', { timeout: STEP_MS });
  await page.waitForSelector('#banner-paused', { timeout: STEP_MS });
  await page.waitForFunction(() => { const e = [...document.querySelectorAll('.enactor')]; return e.length > 0 && e.every((x) => x.dataset.condition === 'HELD'); }, null, { timeout: STEP_MS });
  log('paused: banner shown, every enactor card HELD');
  await shot('04-paused.png');

  // 5. Plan history with a readable diff: the newest plan removed the failed target's address.
  await page.waitForSelector('#plans li', { timeout: STEP_MS });
  await page.click('#plans li:first-child');
  await page.waitForFunction((a) => document.querySelector('#diff').textContent.includes('− ' + a + ' weight'), address, { timeout: STEP_MS });
  result.diff = await page.locator('#diff').textContent();
  await shot('05-plan-diff.png');

  // 6. The customers' status page.
  await page.goto(url + '/status', { timeout: STEP_MS });
  result.statusPage = await page.locator('#endpoints').textContent();
  if (!result.statusPage.includes('automation paused')) throw new Error('status page does not say automation paused: ' + result.statusPage);
  await shot('06-status-page.png');

  if (consoleErrors.length) throw new Error('errors in the page: ' + consoleErrors.join(' | '));
  console.log('RESULT ' + JSON.stringify(result));
  await browser.close();
} catch (e) {
  console.log('FAILED ' + (e && e.stack || e));
  try { await shot('failure.png'); } catch (_) { /* the page may be gone */ }
  await browser.close();
  process.exit(1);
}
