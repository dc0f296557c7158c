// An agency administrator adds a user (typed with a capital), changes their role and sets
// a temporary password for them; the user, at their next sign-in, is held on the password
// page until they choose their own, then signs in with it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, watchProblems } from './harness.mjs';

const env = useServerAndBrowser();

test('an administrator edits a user and resets a password the user must then replace', async () => {
  const adminCtx = await env.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'id-ID' });
  const admin = await adminCtx.newPage();
  const watch = watchProblems(admin);
  watch.allow(422, '/admin/pengguna');
  try {
    await signIn(admin, env.base, 'admin.wk');
    await admin.goto(`${env.base}/admin/pengguna`);
    await admin.fill('#username', 'Relawan.Baru');
    await admin.fill('#display_name', 'Relawan Baru');
    await admin.selectOption('#role', 'field_officer');
    // A refused form keeps the typed password.
    await admin.fill('#password', 'pendek');
    await admin.click('form[action="/admin/pengguna"] button[type="submit"]');
    assert.equal(await admin.inputValue('#password'), 'pendek');
    await admin.fill('#password', 'sandi-awal-dari-admin');
    await Promise.all([admin.waitForURL(/pesan=pengguna/), admin.click('form[action="/admin/pengguna"] button[type="submit"]')]);
    assert.match(await admin.textContent('table'), /relawan\.baru/);

    await admin.goto(`${env.base}/admin/pengguna/relawan.baru`);
    await admin.fill('#display_name', 'Relawan Labuhan Ratu');
    await admin.selectOption('#role', 'coordinator');
    await admin.click('#form-ubah-pengguna button[type="submit"]');
    assert.match(await admin.textContent('[role="status"]'), /disimpan/);
    assert.equal(await admin.inputValue('#display_name'), 'Relawan Labuhan Ratu');
    assert.equal(await admin.inputValue('#role'), 'coordinator');

    await admin.fill('#password', 'sementara-dari-admin');
    await Promise.all([admin.waitForURL(/pesan=sandi/), admin.click('#form-reset-sandi button[type="submit"]')]);
    assert.match(await admin.textContent('[role="status"]'), /wajib menggantinya/);
    assert.deepEqual(watch.problems, []);
  } finally {
    await adminCtx.close();
  }

  const userCtx = await env.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'id-ID' });
  const page = await userCtx.newPage();
  const userWatch = watchProblems(page);
  userWatch.allow(422, '/akun/kata-sandi');
  try {
    await page.goto(`${env.base}/masuk`);
    await page.fill('#username', 'Relawan.Baru');
    await page.fill('#password', 'sementara-dari-admin');
    await Promise.all([page.waitForURL(`${env.base}/akun/kata-sandi`), page.click('form[action="/masuk"] button[type="submit"]')]);
    assert.ok(await page.isVisible('#wajib-ganti'));
    // Every other page leads back here until the password is the user's own.
    await page.goto(`${env.base}/laporan`);
    assert.equal(new URL(page.url()).pathname, '/akun/kata-sandi');

    await page.fill('#current_password', 'sementara-dari-admin');
    await page.fill('#new_password', 'milik-relawan-sendiri');
    await page.fill('#confirm_password', 'milik-relawan-lain');
    await page.click('#form-kata-sandi button[type="submit"]');
    assert.match(await page.textContent('#form-kata-sandi'), /tidak sama/);
    assert.equal(await page.inputValue('#new_password'), 'milik-relawan-sendiri');
    await page.fill('#confirm_password', 'milik-relawan-sendiri');
    await Promise.all([page.waitForURL(/\/masuk\?pesan=sandi-diganti/), page.click('#form-kata-sandi button[type="submit"]')]);
    assert.match(await page.textContent('[role="status"]'), /Kata sandi diganti/);

    await page.fill('#username', 'relawan.baru');
    await page.fill('#password', 'milik-relawan-sendiri');
    await Promise.all([page.waitForURL(`${env.base}/`), page.click('form[action="/masuk"] button[type="submit"]')]);
    assert.match(await page.textContent('h1'), /Beranda/);
    assert.deepEqual(userWatch.problems, []);
  } finally {
    await userCtx.close();
  }
});
