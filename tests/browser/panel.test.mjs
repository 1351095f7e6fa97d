// The admin panel in real headless Chromium against the real stack
// (emulator + worker + gateway with an admin token): sign-in, live health
// and error count, the two repair actions, failed-delivery retry, the
// playground, and reconnection after the event stream drops.
// Waits are on conditions (waitForFunction / polling), never fixed sleeps.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { Stack, jsonRequest } from './stack.mjs';

const CHROMIUM = process.env.TELEGATE_CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT_DIR = process.env.TELEGATE_SCREENSHOT_DIR || os.tmpdir();
const WAIT_MS = 30000;
const STEP = { timeout: 90000 };

let stack;
let context;
let page;
let userDataDir;
let failed = false;
const pageErrors = [];

// Polls `fn` (in Node) until it returns a truthy value.
async function eventually(fn, what, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await delay(50);  // poll interval, not synchronisation
  }
}

// Waits until the element matched by `selector` has text satisfying
// `expected` (a string for equality after trimming, or a RegExp).
async function waitForText(selector, expected, timeoutMs = WAIT_MS) {
  const arg = typeof expected === 'string'
      ? { selector, exact: expected }
      : { selector, source: expected.source, flags: expected.flags };
  try {
    await page.waitForFunction(({ selector, exact, source, flags }) => {
      const el = document.querySelector(selector);
      if (!el) return false;
      const t = el.textContent.trim();
      return exact !== undefined ? t === exact : new RegExp(source, flags).test(t);
    }, arg, { timeout: timeoutMs });
  } catch (err) {
    const actual = await page.locator(selector).first().textContent().catch(() => '(missing)');
    throw new Error(`${selector}: expected ${expected}, has ${JSON.stringify(actual)} (${err.message.split('\n')[0]})`);
  }
}

async function waitForAttr(selector, attr, value, timeoutMs = WAIT_MS) {
  try {
    await page.waitForFunction(({ selector, attr, value }) =>
      document.querySelector(selector)?.getAttribute(attr) === value,
    { selector, attr, value }, { timeout: timeoutMs });
  } catch (err) {
    const actual = await page.locator(selector).first().getAttribute(attr).catch(() => '(missing)');
    throw new Error(`${selector}[${attr}]: expected ${value}, has ${actual}`);
  }
}

async function confirmInDialog(buttonName, confirmName) {
  await page.getByRole('button', { name: buttonName, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByRole('button', { name: confirmName, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}

// Each step runs only if the ones before it passed.
function step(name, fn) {
  it(name, STEP, async (t) => {
    if (failed) { t.skip('an earlier step failed'); return; }
    try {
      await fn();
    } catch (err) {
      failed = true;
      if (page) {
        const shot = path.join(SCREENSHOT_DIR, 'panel-failure.png');
        await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
        console.error(`screenshot of the failure: ${shot}`);
      }
      if (pageErrors.length) console.error('page errors:\n' + pageErrors.join('\n'));
      if (stack) console.error('logs:\n' + stack.logs());
      throw err;
    }
  });
}

describe('admin panel', () => {
  before(async () => {
    stack = await Stack.start();
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'telegate-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 1000 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
  });

  after(async () => {
    await context?.close().catch(() => {});
    await stack?.stop();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  step('refuses requests without the admin token', async () => {
    const health = await jsonRequest(`${stack.adminUrl}/health`);
    assert.equal(health.status, 401, `/health: ${JSON.stringify(health.body)}`);
    const abort = new AbortController();
    const events = await fetch(`${stack.adminUrl}/api/events`, { signal: abort.signal });
    abort.abort();
    assert.equal(events.status, 401, '/api/events without a cookie');
    const restart = await jsonRequest(`${stack.adminUrl}/restart_bot`, 'POST', {});
    assert.equal(restart.status, 401, '/restart_bot without a cookie');
  });

  step('shows the sign-in form, rejects a wrong token', async () => {
    await page.goto(`${stack.adminUrl}/`);
    await page.getByLabel('Admin token').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#panel').isVisible(), false, 'panel hidden before sign-in');
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText('#login-result', /not accepted/);
  });

  step('signs in with the token and shows a healthy, live panel', async () => {
    await page.getByLabel('Admin token').fill(stack.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#panel').waitFor({ state: 'visible' });
    await waitForAttr('#status', 'data-state', 'healthy');
    await waitForAttr('#conn', 'data-state', 'live');
    await waitForText('#bot_status', 'OK');
    await waitForText('#bot_username', /^@\w+/);
    await waitForText('#environment', 'browser-test');
    await waitForText('#error_count', '0');
    const cookies = await context.cookies(stack.adminUrl);
    assert.ok(cookies.length > 0, 'a session cookie was set');
    assert.ok(cookies.every((c) => c.httpOnly), `cookies are HttpOnly: ${JSON.stringify(cookies)}`);
    await waitForText('#webhook-url', `http://127.0.0.1:${stack.publicPort}/webhook`);
    await page.evaluate(() => { window.__sameDocument = true; });
  });

  step('live error count rises to 3 without a reload', async () => {
    const fault = await stack.emulatorCall('POST', '/_emulator/faults', {
      method: 'sendMessage', count: 3, error_code: 400, description: 'Bad Request: chat not found',
    });
    assert.equal(fault.status, 200, JSON.stringify(fault.body));
    for (const text of ['x1', 'x2', 'x3']) await stack.sendText(42, text);
    await waitForText('#error_count', '3');
    await waitForAttr('#error-bar', 'aria-valuenow', '3');
    await waitForText('#recent-errors li:first-child .reason', /chat not found/);
    await waitForAttr('#status', 'data-state', 'healthy');  // 3 < threshold
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'page was not reloaded');
  });

  step('lists the failed deliveries as they happen', async () => {
    await page.waitForFunction(() => document.querySelectorAll('#failed-rows tr').length === 3,
                               null, { timeout: WAIT_MS });
    const row = page.locator('#failed-rows tr').first();
    const cells = await row.locator('td').allTextContents();
    assert.match(cells[1], /42/, `chat cell: ${cells}`);
    assert.equal(cells[2], 'sendMessage');
    assert.equal(cells[3], '400');
    assert.match(cells[4], /chat not found/);
  });

  step('"Reset errors" asks for confirmation and brings the count to 0', async () => {
    // Cancelling does nothing.
    await page.getByRole('button', { name: 'Reset errors', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    assert.equal((await page.locator('#error_count').textContent()).trim(), '3');

    await confirmInDialog('Reset errors', 'Reset');
    await waitForText('#result', /Errors reset/);
    await waitForText('#error_count', '0');
    await waitForAttr('#error-bar', 'aria-valuenow', '0');
  });

  step('"Restart bot" increments the restart count', async () => {
    const before = Number((await page.locator('#restart_count').textContent()).trim());
    assert.ok(Number.isInteger(before), 'restart count shown');
    await confirmInDialog('Restart bot', 'Restart');
    await waitForText('#result', /Bot restarted/);
    await waitForText('#restart_count', String(before + 1));
    await waitForText('#bot_status', 'OK');
  });

  step('"Retry" re-sends a failed delivery and removes its row', async () => {
    const row = page.locator('#failed-rows tr').first();
    const id = await row.getAttribute('data-id');
    const okBefore = (await stack.sendMessageCalls()).filter((c) => c.http_status === 200).length;
    await row.getByRole('button', { name: /^Retry/ }).click();
    await waitForText('#failed-result', new RegExp(`#${id} queued again`));
    await page.waitForFunction((id) => !document.querySelector(`#failed-rows tr[data-id="${id}"]`) &&
                                       document.querySelectorAll('#failed-rows tr').length === 2,
                               id, { timeout: WAIT_MS });
    // No faults are left: the re-sent call succeeds.
    await eventually(async () => {
      const ok = (await stack.sendMessageCalls()).filter((c) => c.http_status === 200);
      return ok.length === okBefore + 1 && /^x[123]$/.test(ok[ok.length - 1].params?.text);
    }, 'the retried sendMessage to succeed');
  });

  step('the playground round-trips "hello panel"', async () => {
    await page.locator('#playground').waitFor({ state: 'visible' });
    assert.equal(await page.getByLabel('Chat id').inputValue(), '42');
    await page.getByLabel('Text').fill('hello panel');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitForText('#pg-reply', 'hello panel');
    const calls = await stack.sendMessageCalls();
    assert.ok(calls.some((c) => c.http_status === 200 && c.params?.text === 'hello panel' &&
                                String(c.params?.chat_id) === '42'),
              'the bot answered chat 42 through the Bot API');
  });

  step('says "Disconnected — retrying" when the stream drops, then reconnects', async () => {
    await stack.gateway.kill();
    await waitForAttr('#conn', 'data-state', 'retrying');
    await waitForText('#conn', /Disconnected — retrying/i);
    await stack.startGateway(`127.0.0.1:${stack.publicPort}`, `127.0.0.1:${stack.adminPort}`);
    // A gateway that keeps sessions in memory forgets ours: the panel then
    // asks for the token again instead of looping on 401.
    await page.waitForFunction(() => ['live', 'signed-out'].includes(
        document.querySelector('#conn').dataset.state), null, { timeout: WAIT_MS });
    if (await page.locator('#login').isVisible()) {
      console.log('note: the restarted gateway did not accept the old session cookie');
      await page.getByLabel('Admin token').fill(stack.adminToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await waitForAttr('#conn', 'data-state', 'live');
    await waitForAttr('#status', 'data-state', 'healthy');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'reconnected without a reload');
  });

  step('screenshot', async () => {
    // A little traffic so the charts have something to show.
    const received = () => Number(document.querySelector('#updates_received').textContent.replace(/\D/g, ''));
    const before = await page.evaluate(received);
    for (let i = 0; i < 5; i++) await stack.sendText(1000 + i, `load ${i}`);
    await page.waitForFunction(`(${received})() >= ${before + 5}`, null, { timeout: WAIT_MS });
    // Both charts need a few snapshots (at least one every 2 s) to draw a line.
    await page.waitForFunction(() => document.querySelector('#throughput-chart polyline') &&
                                     document.querySelector('#latency-chart polyline'),
                               null, { timeout: WAIT_MS });
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, 'panel.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });
});
