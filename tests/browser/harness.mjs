// What every browser test file shares: it starts its own server with the demo data in a
// fresh directory, launches Debian's chromium, and always stops both again, also when a
// step fails or the runner crashes. Not a test file itself (its name does not match
// `*.test.mjs`), so `node --test tests/browser/` only imports it.
//
// CHROMIUM overrides the browser's path, SINERGI_BIN the server binary (default
// target/debug/sinergi); with SCREENSHOT_DIR set, `shot` saves 360×740 screenshots there.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
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

/**
 * Registers the hooks that start and stop only the server, for a test file that launches
 * its own browsers (a persistent profile that survives closing): `env.base` is its URL.
 */
export function useServer() {
  const env = { base: '' };
  before(async () => {
    env.base = await startServer();
  });
  after(stopServer);
  return env;
}

/** The arguments every test's Chromium starts with. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

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

/**
 * Signs in through the form and waits for the page it lands on: home, or `landing` (a
 * path) — a system administrator without a second factor lands on /akun/keamanan.
 */
export async function signIn(page, base, username, landing = '/') {
  await page.goto(`${base}/masuk`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${base}${landing}`), page.click('form[action="/masuk"] button[type="submit"]')]);
}

/**
 * Opens the header menu where it is folded behind its button (a phone-sized screen), so
 * its links can be tapped; does nothing where it is already open.
 */
export async function openMenu(page) {
  const menu = page.locator('#menu-lipat');
  if ((await menu.count()) === 1 && !(await menu.evaluate((d) => d.open))
    && (await page.locator('#menu-lipat > summary').isVisible())) {
    await page.click('#menu-lipat > summary');
  }
}

// ---- the second factor (RFC 6238 TOTP: HMAC-SHA1, 30-second steps, 6 digits) ----

/** The bytes of an RFC 4648 base32 string (spaces, padding and case ignored). */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=-]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) {
      throw new Error(`not base32: ${c}`);
    }
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The six-digit code of `secret` (base32) for the 30-second step that holds `atMs`. */
export function totp(secret, atMs = Date.now()) {
  const step = Math.floor(atMs / 1000 / 30);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = h[h.length - 1] & 0x0f;
  const n = (h.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

/** A six-digit code that is none of the codes the server would accept around now. */
export function wrongCode(secret) {
  const near = new Set([-60, -30, 0, 30, 60].map((s) => totp(secret, Date.now() + s * 1000)));
  for (let i = 0; ; i++) {
    const code = String((123456 + i * 111_111) % 1_000_000).padStart(6, '0');
    if (!near.has(code)) {
      return code;
    }
  }
}

/**
 * On /akun/keamanan with no second factor yet: starts the set-up, reads the secret the
 * page shows for typing by hand, confirms with the current code, and returns the secret.
 */
export async function enrolSecondFactor(page, base) {
  await Promise.all([
    page.waitForURL(`${base}/akun/keamanan/mulai`),
    page.click('#form-mulai button[type="submit"]'),
  ]);
  await page.waitForSelector('#qr-2fa svg');
  const secret = (await page.textContent('#rahasia-2fa')).replace(/\s/g, '');
  await page.fill('#kode-konfirmasi', totp(secret));
  await Promise.all([
    page.waitForURL(`${base}/akun/keamanan?pesan=aktif`),
    page.click('#form-konfirmasi button[type="submit"]'),
  ]);
  return secret;
}

/** An API token of a demo user (password sign-in). */
export async function apiToken(base, username) {
  const r = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `token of ${username}`);
  return (await r.json()).token;
}

/** GET `p` of the API with a token, as gzip-accepting clients ask; the JSON answered. */
export async function apiGet(base, token, p) {
  const r = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } });
  assert.equal(r.status, 200, p);
  return r.json();
}
