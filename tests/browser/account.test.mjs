// A real-browser test of the second factor and the account security page on a phone-sized
// screen. The demo system administrator signs in and is held on /akun/keamanan until they
// set up an authenticator app (the QR code is shown, the secret for typing by hand is
// read from the page and codes are computed here, RFC 6238); a wrong code is refused,
// the right one turns it on, and the admin pages open. Signing in again asks for the
// code at /masuk/kode, refuses a wrong one and accepts the right one. An agency
// administrator sets up a second factor by choice, the system administrator resets it
// from the users page, which ends their session; a field officer signs out on every
// device at once.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs for the
// environment). With SCREENSHOT_DIR set, it saves 360×740 screenshots named acc-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, shot, signIn, watchProblems, enrolSecondFactor, totp, wrongCode, PASSWORD, openMenu,
} from './harness.mjs';

const env = useServerAndBrowser();

/** A phone-sized browser context in Indonesian. */
function phone() {
  return env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
}

// The system administrator's browser stays signed in for the second test: a new sign-in
// within the same 30 s would need a code of a step already used.
let adminContext = null;
let adminPage = null;

test('a system administrator must set up the second factor, then signs in with a code', async () => {
  const base = env.base;
  const context = await phone();
  adminContext = context;
  const page = await context.newPage();
  adminPage = page;
  const watch = watchProblems(page);
  try {
    // Signing in lands on the security page, with the reason, and every other page
    // leads back to it.
    await signIn(page, base, 'admin', '/akun/keamanan');
    assert.match(await page.textContent('#wajib-2fa'), /Administrator sistem wajib memakai verifikasi dua langkah/);
    assert.equal((await page.textContent('#status-2fa')).trim(), 'tidak aktif');
    assert.equal(await page.locator('nav.menu a[href="/admin/pengaturan"]').count(), 0, 'no way around it in the menu');
    await page.goto(`${base}/admin/pengaturan`);
    assert.equal(page.url(), `${base}/akun/keamanan`);
    await shot(page, 'acc-mandatory');

    // The set-up shows a QR code and the secret in groups of four.
    await Promise.all([page.waitForURL(`${base}/akun/keamanan/mulai`), page.click('#form-mulai button[type="submit"]')]);
    assert.equal(await page.isVisible('#qr-2fa svg'), true);
    const box = await page.locator('#qr-2fa svg').boundingBox();
    assert.ok(box.width >= 150 && box.width <= 360, `the QR code fits a phone (${box.width}px)`);
    const grouped = (await page.textContent('#rahasia-2fa')).trim();
    assert.match(grouped, /^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const secret = grouped.replace(/\s/g, '');
    assert.equal(secret.length, 32);
    assert.match(await page.textContent('#dua-langkah'), /kode QR sebelumnya tidak berlaku lagi/);
    await shot(page, 'acc-qr', true);

    // A wrong code is refused next to its field; the same QR code stays in view.
    watch.allow(422, '/akun/keamanan/konfirmasi');
    await page.fill('#kode-konfirmasi', wrongCode(secret));
    await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/akun/keamanan/konfirmasi` && r.request().method() === 'POST'),
      page.click('#form-konfirmasi button[type="submit"]'),
    ]);
    await page.waitForSelector('#galat-konfirmasi');
    assert.match(await page.textContent('#galat-konfirmasi'), /kode tidak cocok/);
    assert.equal((await page.textContent('#rahasia-2fa')).replace(/\s/g, ''), secret);
    assert.equal(await page.isVisible('#qr-2fa svg'), true);

    // The right code turns it on; the notice goes and the admin pages open.
    await page.fill('#kode-konfirmasi', totp(secret));
    await Promise.all([
      page.waitForURL(`${base}/akun/keamanan?pesan=aktif`),
      page.click('#form-konfirmasi button[type="submit"]'),
    ]);
    assert.match(await page.textContent('.pesan.sukses'), /Verifikasi dua langkah aktif/);
    assert.equal((await page.textContent('#status-2fa')).trim(), 'aktif');
    assert.match(await page.textContent('#dua-langkah'), /sejak \d{4}-\d\d-\d\d \d\d:\d\d WI/);
    assert.equal(await page.locator('#wajib-2fa').count(), 0);
    assert.equal(await page.locator('#form-matikan').count(), 0, 'system administrators keep it');
    await shot(page, 'acc-on');
    await openMenu(page);
    await Promise.all([page.waitForURL(`${base}/admin/pengaturan`), page.click('nav.menu a[href="/admin/pengaturan"]')]);
    assert.match(await page.textContent('h1'), /Pengaturan sistem/);

    // The users page shows who has it on.
    await page.goto(`${base}/admin/pengguna`);
    const row = page.locator('table.daftar-pengguna tbody tr', { has: page.locator('code', { hasText: /^admin$/ }) });
    assert.match(await row.locator('.kolom-2fa').textContent(), /aktif/);

    // The audit trail names the new action in words.
    await page.goto(`${base}/admin/audit?action=totp_enable`);
    assert.match(await page.textContent('table.daftar-audit'), /Mengaktifkan verifikasi dua langkah/);

    // Sign out, then in again: the password alone is not enough.
    await openMenu(page);
    await Promise.all([page.waitForURL(`${base}/masuk`), page.click('form.keluar button[type="submit"]')]);
    await page.fill('#username', 'admin');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/masuk/kode`), page.click('form[action="/masuk"] button[type="submit"]')]);
    assert.equal(await page.getAttribute('#code', 'inputmode'), 'numeric');
    assert.equal(await page.getAttribute('#code', 'autocomplete'), 'one-time-code');
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'code');
    const cookies = await context.cookies();
    const pending = cookies.find((c) => c.name === 'sinergi_2fa');
    assert.ok(pending && pending.httpOnly, 'the waiting sign-in is an HttpOnly cookie');
    assert.equal(cookies.some((c) => c.name === 'sinergi_session'), false, 'no session yet');
    await shot(page, 'acc-code');

    // A wrong code is refused with a message.
    watch.allow(401, '/masuk/kode');
    await page.fill('#code', wrongCode(secret));
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/masuk/kode` && r.request().method() === 'POST'),
      page.click('form[action="/masuk/kode"] button[type="submit"]'),
    ]);
    assert.equal(refused.status(), 401);
    await page.waitForSelector('#pesan-kode');
    assert.match(await page.textContent('#pesan-kode'), /Kode salah/);
    await shot(page, 'acc-code-wrong');

    // The right code signs in (the code of the next step: the current one was used).
    await page.fill('#code', totp(secret, Date.now() + 30_000));
    await Promise.all([page.waitForURL(`${base}/`), page.click('form[action="/masuk/kode"] button[type="submit"]')]);
    const after = await context.cookies();
    assert.ok(after.some((c) => c.name === 'sinergi_session'));
    assert.equal(after.some((c) => c.name === 'sinergi_2fa'), false, 'the waiting sign-in is cleared');
    assert.match(await page.textContent('nav.menu'), /Pengaturan/);

    // The same pages in English.
    await page.goto(`${base}/akun/keamanan`);
    await Promise.all([page.waitForURL(`${base}/akun/keamanan`), page.click('a.bahasa')]);
    assert.match(await page.textContent('h1'), /Account security/);
    assert.equal((await page.textContent('#status-2fa')).trim(), 'on');
    await Promise.all([page.waitForURL(`${base}/akun/keamanan`), page.click('a.bahasa')]);

    // Without a waiting sign-in, the code page sends back to the sign-in form.
    const other = await phone();
    try {
      const fresh = await other.newPage();
      await fresh.goto(`${base}/masuk/kode`);
      assert.equal(fresh.url(), `${base}/masuk?pesan=kode-kedaluwarsa`);
      assert.match(await fresh.textContent('.pesan.galat'), /Waktu untuk mengetik kode sudah habis/);
    } finally {
      await other.close();
    }

    assert.deepEqual(watch.problems, [], 'no script errors or unexpected HTTP errors');
  } catch (e) {
    await shot(page, 'acc-failure', true).catch(() => {});
    await context.close();
    adminContext = null;
    throw e;
  }
});

test('an agency administrator turns the second factor on, and the system administrator resets it', async () => {
  const base = env.base;
  assert.ok(adminContext, 'the first test signed the system administrator in');
  const userContext = await phone();
  const user = await userContext.newPage();
  const userWatch = watchProblems(user);
  const admin = adminPage;
  const adminWatch = watchProblems(admin);
  admin.on('dialog', (d) => d.accept());
  try {
    // Not mandatory for an agency administrator: the page offers it, and it can be
    // turned off again with a current code.
    await signIn(user, base, 'admin.tnks');
    await openMenu(user);
    await Promise.all([user.waitForURL(`${base}/akun/keamanan`), user.click('#tautan-keamanan')]);
    assert.equal(await user.locator('#wajib-2fa').count(), 0);
    const secret = await enrolSecondFactor(user, base);
    assert.equal(await user.locator('#form-matikan').count(), 1);
    await shot(user, 'acc-agency-admin-on');

    // The system administrator resets it from the users page.
    await admin.goto(`${base}/admin/pengguna`);
    const row = admin.locator('table.daftar-pengguna tbody tr', { has: admin.locator('code', { hasText: /^admin\.tnks$/ }) });
    assert.match(await row.locator('.kolom-2fa').textContent(), /aktif/);
    await shot(admin, 'acc-users', true);
    await Promise.all([
      admin.waitForURL(`${base}/admin/pengguna?pesan=reset-2fa`),
      row.locator('form[action$="/reset-2fa"] button').click(),
    ]);
    assert.match(await admin.textContent('.pesan.sukses'), /diatur ulang/);
    const again = admin.locator('table.daftar-pengguna tbody tr', { has: admin.locator('code', { hasText: /^admin\.tnks$/ }) });
    assert.match(await again.locator('.kolom-2fa').textContent(), /tidak/);
    assert.equal(await again.locator('form[action$="/reset-2fa"]').count(), 0);

    // Their session ended; the password alone signs them in now.
    await user.goto(`${base}/akun/keamanan`);
    assert.equal(user.url(), `${base}/masuk`);
    await signIn(user, base, 'admin.tnks');
    await user.goto(`${base}/akun/keamanan`);
    assert.equal((await user.textContent('#status-2fa')).trim(), 'tidak aktif');
    assert.ok(secret);

    // Turning it on again and then off by choice, with a current code.
    const second = await enrolSecondFactor(user, base);
    user.on('dialog', (d) => d.accept());
    await user.fill('#kode-matikan', totp(second, Date.now() + 30_000));
    await Promise.all([
      user.waitForURL(`${base}/akun/keamanan?pesan=mati`),
      user.click('#form-matikan button[type="submit"]'),
    ]);
    assert.match(await user.textContent('.pesan.sukses'), /dimatikan/);
    assert.equal((await user.textContent('#status-2fa')).trim(), 'tidak aktif');
    assert.deepEqual(userWatch.problems, []);
    assert.deepEqual(adminWatch.problems, []);
  } catch (e) {
    await shot(admin, 'acc-failure-reset', true).catch(() => {});
    throw e;
  } finally {
    await userContext.close();
    await adminContext.close();
  }
});

test('a field officer signs out on every device at once', async () => {
  const base = env.base;
  const one = await phone();
  const two = await phone();
  try {
    const a = await one.newPage();
    const b = await two.newPage();
    a.on('dialog', (d) => d.accept());
    await signIn(a, base, 'ranger.tnks');
    await signIn(b, base, 'ranger.tnks');
    await a.goto(`${base}/akun/keamanan`);
    // A field officer may turn it on, but need not.
    assert.equal(await a.locator('#wajib-2fa').count(), 0);
    assert.equal(await a.locator('#form-mulai').count(), 1);
    await Promise.all([
      a.waitForURL(`${base}/masuk?pesan=keluar-semua`),
      a.click('#form-keluar-semua button[type="submit"]'),
    ]);
    assert.match(await a.textContent('.pesan.sukses'), /keluar dari semua perangkat/);
    await b.goto(`${base}/laporan`);
    assert.equal(b.url(), `${base}/masuk`, 'the other device is signed out too');
  } finally {
    await one.close();
    await two.close();
  }
});
