// What every browser test file shares: it starts its own server with the demo data in a
// fresh directory, launches Debian's chromium, and always stops both again, also when a
// step fails or the runner crashes. Not a test file itself (its name does not match
// `*.test.mjs`), so `node --test tests/browser/` only imports it.
//
// CHROMIUM overrides the browser's path, SINERGI_BIN the server binary (default
// target/debug/sinergi); with SCREENSHOT_DIR set, `shot` saves 360×740 screenshots there.

import { before, after } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.resolve(ROOT, process.env.SINERGI_BIN || 'target/debug/sinergi');
export const SHOTS = process.env.SCREENSHOT_DIR || '';
export const PASSWORD = 'sinergi-demo-2025';

let server;
let dataDir;
let serverOutput = '';

/** Starts the server and resolves with its URL once it prints the listening line. */
function startServer() {
  dataDir = mkdtempSync(path.join(tmpdir(), 'sinergi-browser-'));
  server = spawn(BIN, ['serve', '--demo', '--data-dir', dataDir, '--addr', '127.0.0.1:0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    // The first start loads all 91,599 regions, which takes a while in debug builds.
    const timer = setTimeout(() => reject(new Error(`the server did not start in 120 s:\n${serverOutput}`)), 120_000);
    const keep = (chunk) => {
      serverOutput = (serverOutput + chunk.toString()).slice(-20_000);
      const m = /Sinergi is listening on (http:\/\/\S+)/.exec(serverOutput);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    };
    server.stdout.on('data', keep);
    server.stderr.on('data', keep);
    server.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${serverOutput}`));
    });
  });
}

async function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const timeout = new Promise((resolve) => setTimeout(resolve, 5_000, 'timeout'));
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      server.kill('SIGKILL');
      await exited;
    }
  }
  if (dataDir) {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// A crash of the test runner must not leave the server running.
process.on('exit', () => {
  if (server && server.exitCode === null) {
    server.kill('SIGKILL');
  }
});

/**
 * Registers the before/after hooks of one test file and returns an object whose `base`
 * (the server's URL) and `browser` are set once the hooks ran.
 */
export function useServerAndBrowser() {
  const env = { base: '', browser: null };
  before(async () => {
    env.base = await startServer();
    env.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
      ],
    });
  });
  after(async () => {
    if (env.browser) {
      await env.browser.close();
    }
    await stopServer();
  });
  return env;
}

/** Saves a 360×740 screenshot as SCREENSHOT_DIR/NAME.png when SCREENSHOT_DIR is set. */
export async function shot(page, name, fullPage = false) {
  if (SHOTS) {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
  }
}

/**
 * Collects what must not happen on a page: script errors, console errors and HTTP errors,
 * except the statuses a step expects (`allow(status, urlPart)` before that step).
 */
export function watchProblems(page) {
  const problems = [];
  const allowed = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !allowed.some(([s, part]) => s === r.status() && r.url().includes(part))) {
      problems.push(`HTTP ${r.status()} for ${r.url()}`);
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${m.text()}`);
    }
  });
  return {
    problems,
    allow(status, urlPart) {
      allowed.push([status, urlPart]);
    },
  };
}

/** Signs in through the form and waits for the home page. */
export async function signIn(page, base, username) {
  await page.goto(`${base}/masuk`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/masuk"] button[type="submit"]')]);
}
