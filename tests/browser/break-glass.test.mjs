// A real-browser test of emergency access (break-glass) on a phone-sized screen: the BNNP
// Jambi coordinator cannot see a restricted report of BBTNKS, follows the link on the
// not-found page to the emergency-access form, is told that a short justification is not
// enough, then opens the report with a proper one and lands on it. BBTNKS's agency
// administrator is notified (the header counts it, the notifications page says it in a
// sentence, and marking it read clears the count) and finds the entry in the audit
// trail; a field officer sees no form, and the system administrator (who first sets up
// the second factor every system administrator must have) changes which roles may use
// it.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs for the
// environment). With SCREENSHOT_DIR set, it saves 360×740 screenshots named bg-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useServerAndBrowser, shot, signIn, watchProblems, enrolSecondFactor, PASSWORD, openMenu,
} from './harness.mjs';

const env = useServerAndBrowser();

/** A bearer token for `username` from the API. */
async function token(base, username, scope = 'read') {
  const r = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(scope ? { username, password: PASSWORD, scope } : { username, password: PASSWORD }),
  });
  assert.equal(r.status, 200, `token for ${username}`);
  return (await r.json()).token;
}

/**
 * A restricted BBTNKS report the BNNP Jambi coordinator cannot see, as `{id, title}`,
 * found through the API as a BBTNKS ranger and checked as the coordinator.
 */
async function restrictedReportOfAnotherAgency(base) {
  const ranger = await token(base, 'ranger.tnks');
  const r = await fetch(`${base}/api/v1/reports?agency=BBTNKS&limit=200`, {
    headers: { authorization: `Bearer ${ranger}` },
  });
  assert.equal(r.status, 200);
  const body = await r.json();
  const restricted = body.features.filter((f) => f.properties.sensitivity === 'restricted');
  assert.ok(restricted.length > 0, 'the demo data has restricted BBTNKS reports');
  const coordinator = await token(base, 'koordinator.bnnp.jambi');
  for (const f of restricted) {
    const seen = await fetch(`${base}/api/v1/reports/${f.id}`, {
      headers: { authorization: `Bearer ${coordinator}` },
    });
    if (seen.status === 404) {
      return { id: String(f.id), title: f.properties.title };
    }
  }
  assert.fail('every restricted BBTNKS report is already visible to the coordinator');
}

/** A BNNP Jambi report that is not secret, which its coordinator can already see. */
async function ownReport(base) {
  const coordinator = await token(base, 'koordinator.bnnp.jambi');
  const r = await fetch(`${base}/api/v1/reports?agency=BNNP-JAMBI&limit=200`, {
    headers: { authorization: `Bearer ${coordinator}` },
  });
  assert.equal(r.status, 200);
  const f = (await r.json()).features.find((x) => x.properties.sensitivity !== 'secret');
  assert.ok(f, 'the demo data has BNNP Jambi reports');
  return String(f.id);
}

test('a coordinator opens a restricted report by emergency access and the owner sees it in the audit trail', async () => {
  const base = env.base;
  const report = await restrictedReportOfAnotherAgency(base);
  // The owner's administrator has other demo notifications (the Pokja's reminder of an
  // item due soon): read first, so the header counts the one emergency access leaves.
  const owner = await token(base, 'admin.tnks', null);
  const read = await fetch(`${base}/api/v1/notifications/read-all`, {
    method: 'POST', headers: { authorization: `Bearer ${owner}` },
  });
  assert.equal(read.status, 200);
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, base, 'koordinator.bnnp.jambi');

    // The report list offers emergency access to this role.
    await page.goto(`${base}/laporan`);
    assert.equal(await page.getAttribute('#tautan-akses-darurat', 'href'), '/akses-darurat');
    assert.match(await page.textContent('.tautan-darurat'), /Tidak menemukan laporan yang Anda perlukan\?/);

    // The report itself is not found, with a link to ask for emergency access to it.
    watch.allow(404, `/laporan/${report.id}`);
    const resp = await page.goto(`${base}/laporan/${report.id}`);
    assert.equal(resp.status(), 404);
    assert.match(await page.textContent('h1'), /tidak ditemukan/i);
    await shot(page, 'bg-404');
    const href = await page.getAttribute('#tautan-akses-darurat', 'href');
    assert.equal(href, `/akses-darurat?laporan=${report.id}`);
    await Promise.all([page.waitForURL(`${base}${href}`), page.click('#tautan-akses-darurat')]);

    // The page explains the rule and has the id filled in.
    assert.match(await page.textContent('h1'), /Akses darurat/);
    const rules = await page.textContent('.aturan-darurat');
    assert.match(rules, /4 jam/);
    assert.match(rules, /rahasia/);
    assert.match(rules, /jejak audit/);
    assert.equal(await page.inputValue('#laporan'), report.id);
    await shot(page, 'bg-form');

    // Too short a justification comes back next to its field, the id kept.
    watch.allow(422, '/akses-darurat');
    await page.fill('#justification', 'perlu');
    await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/akses-darurat` && r.request().method() === 'POST'),
      page.click('form.akses-darurat-form button[type="submit"]'),
    ]);
    await page.waitForSelector('#justification-galat');
    assert.match(await page.textContent('#justification-galat'), /10/);
    assert.equal(await page.locator('#justification').evaluate((el) => el.closest('.field').classList.contains('ada-galat')), true);
    assert.equal(await page.inputValue('#laporan'), report.id);
    assert.equal(await page.inputValue('#justification'), 'perlu');
    await shot(page, 'bg-error');

    // A proper justification opens the report.
    const why = 'Operasi gabungan malam ini memerlukan lokasi kejadian ini (uji peramban).';
    await page.fill('#justification', why);
    await Promise.all([
      page.waitForURL(`${base}/laporan/${report.id}`),
      page.click('form.akses-darurat-form button[type="submit"]'),
    ]);
    assert.equal(await page.textContent('h1'), report.title);
    await shot(page, 'bg-report');

    // Asking for a report of one's own agency says it is already visible.
    watch.allow(409, '/akses-darurat');
    const own = await ownReport(base);
    await page.goto(`${base}/akses-darurat?laporan=${own}`);
    await page.fill('#justification', why);
    await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/akses-darurat` && r.request().method() === 'POST'),
      page.click('form.akses-darurat-form button[type="submit"]'),
    ]);
    await page.waitForSelector('#pesan-darurat');
    assert.match(await page.textContent('#pesan-darurat'), /sudah dapat melihat/);
    assert.equal(await page.getAttribute('#pesan-darurat a', 'href'), `/laporan/${own}`);
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }

  // The owner agency's administrator is notified and finds the entry, with the
  // justification.
  const adminContext = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const admin = await adminContext.newPage();
  const adminWatch = watchProblems(admin);
  try {
    await signIn(admin, base, 'admin.tnks');
    assert.doesNotMatch(await admin.textContent('nav.menu'), /Pengaturan/, 'only system admins see settings');

    // The header counts the unread notification; the page says what happened.
    assert.equal((await admin.textContent('#tautan-notifikasi')).trim(), 'Notifikasi (1)');
    await Promise.all([admin.waitForURL(`${base}/notifikasi`), admin.click('#tautan-notifikasi')]);
    const item = admin.locator('#daftar-notifikasi li.belum-dibaca');
    assert.equal(await item.count(), 1);
    const escaped = report.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(
      await item.locator('.kalimat').textContent(),
      new RegExp(`^koordinator\\.bnnp\\.jambi \\(BNN Provinsi Jambi\\) membuka laporan "${escaped}" dengan akses darurat sampai \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d WIB: Operasi gabungan malam ini`),
    );
    assert.equal(await item.locator('a').getAttribute('href'), `/laporan/${report.id}`);
    await shot(admin, 'bg-notification');
    await Promise.all([
      admin.waitForURL(`${base}/notifikasi`),
      item.locator('button[type="submit"]').click(),
    ]);
    assert.equal(await admin.locator('#daftar-notifikasi li.belum-dibaca').count(), 0);
    assert.equal(await admin.locator('#daftar-notifikasi li', { hasText: 'akses darurat' }).count(), 1, 'a read notification stays listed');
    assert.equal((await admin.textContent('#tautan-notifikasi')).trim(), 'Notifikasi', 'the count is gone');

    await admin.goto(`${base}/admin/audit?action=break_glass`);
    const table = await admin.textContent('main');
    assert.match(table, /koordinator\.bnnp\.jambi/);
    assert.match(table, new RegExp(report.id));
    assert.match(table, /Operasi gabungan malam ini/);
    await shot(admin, 'bg-audit');
    assert.deepEqual(adminWatch.problems, []);
  } finally {
    await adminContext.close();
  }
});

test('a field officer sees the rule but no form, and only the system admin changes the setting', async () => {
  const base = env.base;
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, base, 'ranger.tnks');
    await page.goto(`${base}/laporan`);
    assert.equal(await page.locator('#tautan-akses-darurat').count(), 0);
    await page.goto(`${base}/akses-darurat`);
    assert.match(await page.textContent('#peran-tidak-boleh'), /tidak diizinkan/);
    assert.equal(await page.locator('form.akses-darurat-form').count(), 0);
    watch.allow(403, '/admin/pengaturan');
    const resp = await page.goto(`${base}/admin/pengaturan`);
    assert.equal(resp.status(), 403);
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }

  const adminContext = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const admin = await adminContext.newPage();
  const adminWatch = watchProblems(admin);
  try {
    // A system administrator sets up the second factor before anything else.
    await signIn(admin, base, 'admin', '/akun/keamanan');
    await enrolSecondFactor(admin, base);
    await openMenu(admin);
    await Promise.all([admin.waitForURL(`${base}/admin/pengaturan`), admin.click('nav.menu a[href="/admin/pengaturan"]')]);
    assert.equal(await admin.isChecked('input[name="roles"][value="coordinator"]'), true);
    assert.equal(await admin.isChecked('input[name="roles"][value="field_officer"]'), false);
    assert.equal(await admin.locator('input[name="roles"]').count(), 5);
    await shot(admin, 'bg-settings');
    // Field officers are allowed, then the default is put back.
    await admin.check('input[name="roles"][value="field_officer"]');
    await Promise.all([
      admin.waitForURL(`${base}/admin/pengaturan?pesan=disimpan`),
      admin.click('form.pengaturan-form button[type="submit"]'),
    ]);
    assert.match(await admin.textContent('.pesan.sukses'), /disimpan/);
    assert.equal(await admin.isChecked('input[name="roles"][value="field_officer"]'), true);
    await admin.goto(`${base}/admin/pengaturan`);
    await admin.uncheck('input[name="roles"][value="field_officer"]');
    await Promise.all([
      admin.waitForURL(`${base}/admin/pengaturan?pesan=disimpan`),
      admin.click('form.pengaturan-form button[type="submit"]'),
    ]);
    assert.equal(await admin.isChecked('input[name="roles"][value="field_officer"]'), false);
    assert.deepEqual(adminWatch.problems, []);
  } finally {
    await adminContext.close();
  }
});
