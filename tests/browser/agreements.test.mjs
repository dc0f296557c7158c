// A real-browser test of the agreement pages and the audit viewer on a phone-sized
// screen: the BNNP Jambi administrator proposes an agreement with Polda Jambi through the
// form (first with mistakes, which come back next to their fields with the values kept),
// sees it proposed with its plain-language summary, approves it for BNNP Jambi, and then
// finds the approval in the audit trail and its CSV download. Another agreement is saved
// as a draft, edited (a stale edit is refused), proposed, and gets its signed text as a
// PDF, listed and downloadable; a file of another type is refused on the page. A
// coordinator refers a report to Polda Jambi and revokes the referral; a field officer is
// refused the admin pages.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs for the
// environment). With SCREENSHOT_DIR set, it saves 360×740 screenshots named ui2-*.png.
// The demo data has agreements of its own; nothing here depends on how many.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems } from './harness.mjs';

const env = useServerAndBrowser();

/** The date `days` from today as YYYY-MM-DD (UTC is close enough for a validity date). */
function dateIn(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test('an agency admin proposes and approves an agreement and finds it in the audit trail', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  const base = env.base;
  try {
    await signIn(page, base, 'admin.bnnp.jambi');
    const nav = await page.textContent('nav.menu');
    assert.match(nav, /Perjanjian/);
    assert.match(nav, /Jejak audit/);

    // The list, then the empty form: one clause block shows, the button adds the next.
    await page.goto(`${base}/perjanjian`);
    assert.match(await page.textContent('h1'), /Perjanjian berbagi data/);
    await shot(page, 'ui2-list');
    await Promise.all([page.waitForURL(`${base}/perjanjian/baru`), page.click('a[href="/perjanjian/baru"]')]);
    await shot(page, 'ui2-form');
    assert.equal(await page.isVisible('fieldset[data-klausul="0"]'), true);
    assert.equal(await page.isVisible('fieldset[data-klausul="1"]'), false, 'empty blocks wait behind the button');
    await page.click('#tambah-klausul');
    assert.equal(await page.isVisible('fieldset[data-klausul="1"]'), true);

    // First attempt: no end date and no receiving party. Both come back next to their
    // fields, in the summary, with everything typed kept.
    const number = `PKS/UJI/${Date.now()}`;
    await page.fill('#title', 'Kerja sama pertukaran data narkotika (uji peramban)');
    await page.fill('#number', number);
    await page.fill('#legal_basis', 'Nota kesepahaman uji');
    await page.selectOption('#parties', ['BNNP-JAMBI', 'POLDA-JAMBI']);
    await page.selectOption('#k0-from', 'BNNP-JAMBI');
    await page.check('input[name="clauses[0].categories"][value="narcotics"]');
    await page.selectOption('#k0-sens', 'internal');
    await page.check('#k0-withheld-suspect_names');
    watch.allow(422, '/perjanjian');
    await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/perjanjian` && r.request().method() === 'POST'),
      page.click('form.perjanjian-form button[type="submit"]'),
    ]);
    await page.waitForSelector('#ringkasan-galat');
    const summary = await page.textContent('#ringkasan-galat');
    assert.match(summary, /Berlaku sampai/);
    assert.match(summary, /Klausul 1 · Kepada/);
    assert.equal(await page.locator('#valid_until').evaluate((el) => el.closest('.field').classList.contains('ada-galat')), true);
    assert.equal(await page.locator('#k0-to').evaluate((el) => el.closest('.field').classList.contains('ada-galat')), true);
    assert.equal(await page.inputValue('#number'), number);
    assert.equal(await page.isChecked('#k0-withheld-suspect_names'), true);
    assert.equal(await page.isChecked('input[name="clauses[0].categories"][value="narcotics"]'), true);
    assert.deepEqual(
      await page.$$eval('#parties option:checked', (os) => os.map((o) => o.value)),
      ['BNNP-JAMBI', 'POLDA-JAMBI'],
    );

    // Second attempt, corrected: the agreement is proposed.
    await page.fill('#valid_until', dateIn(365));
    await page.selectOption('#k0-to', ['POLDA-JAMBI']);
    await Promise.all([
      page.waitForURL(/\/perjanjian\/[0-9a-f-]{36}\?pesan=diusulkan$/),
      page.click('form.perjanjian-form button[type="submit"]'),
    ]);
    const id = new URL(page.url()).pathname.split('/').pop();
    assert.match(await page.textContent('main'), /Perjanjian diusulkan/);
    assert.equal((await page.textContent('#status-perjanjian')).trim(), 'diusulkan');
    const flows = await page.textContent('#ringkasan-alir');
    assert.match(flows, /BNNP-JAMBI → POLDA-JAMBI/);
    assert.match(flows, /kategori Narkotika/);
    assert.match(flows, /tanpa Nama terduga pelaku/);
    assert.doesNotMatch(flows, /narcotics|suspect_names/, 'words, not keys');
    assert.match(await page.textContent('.daftar-klausul'), /Narkotika/);
    await shot(page, 'ui2-agreement');

    // It is in the list, proposed.
    await page.goto(`${base}/perjanjian`);
    const row = page.locator('tr', { has: page.locator(`a[href="/perjanjian/${id}"]`) });
    assert.match(await row.textContent(), /diusulkan/);

    // Approve for BNNP Jambi: recorded, and still proposed until Polda Jambi approves.
    await page.goto(`${base}/perjanjian/${id}`);
    await Promise.all([
      page.waitForURL(`${base}/perjanjian/${id}?pesan=disetujui`),
      page.click('#setujui'),
    ]);
    assert.match(await page.textContent('main'), /Persetujuan instansi Anda tercatat/);
    assert.equal(await page.locator('#setujui').count(), 0, 'no second approval');
    const parties = await page.textContent('ul.pihak');
    assert.match(parties, /BNNP-JAMBI\)\s*✓ sudah menyetujui/);
    assert.match(parties, /POLDA-JAMBI\)\s*belum menyetujui/);
    assert.equal((await page.textContent('#status-perjanjian')).trim(), 'diusulkan');

    // The audit trail has the approval, newest first, and filtering by the action finds it.
    await page.goto(`${base}/admin/audit`);
    assert.match(await page.textContent('h1'), /Jejak audit/);
    const first = page.locator('table.daftar-audit tbody tr').first();
    assert.match(await first.textContent(), /Menyetujui perjanjian/);
    assert.doesNotMatch(await first.textContent(), /agreement_approve/, 'the action in words');
    assert.match(await first.textContent(), new RegExp(id));
    await shot(page, 'ui2-audit');
    await page.click('details.saring summary');
    await page.selectOption('#a-action', 'agreement_approve');
    await Promise.all([
      page.waitForURL(/\/admin\/audit\?.*action=agreement_approve/),
      page.click('form[action="/admin/audit"] button[type="submit"]'),
    ]);
    const approvals = page.locator('table.daftar-audit tbody tr', { hasText: id });
    assert.equal(await approvals.count(), 1);
    assert.match(await approvals.textContent(), /admin\.bnnp\.jambi/);
    const csvHref = await page.getAttribute('#unduh-csv', 'href');
    assert.match(csvHref, /^\/api\/v1\/audit\?format=csv&.*action=agreement_approve/);
    const csv = await page.request.get(`${base}${csvHref}`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), new RegExp(`agreement_approve,agreement,${id}`));

    // In English the same page speaks English.
    await Promise.all([page.waitForURL(/\/admin\/audit/), page.click('a.bahasa')]);
    assert.match(await page.textContent('h1'), /Audit trail/);
    await Promise.all([page.waitForURL(/\/admin\/audit/), page.click('a.bahasa')]);

    assert.deepEqual(watch.problems, [], 'no script errors or unexpected HTTP errors');
  } catch (e) {
    await shot(page, 'ui2-failure', true).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

test('an agency admin saves a draft, edits it, proposes it and attaches the signed text', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  const base = env.base;
  try {
    await signIn(page, base, 'admin.bnnp.jambi');
    await page.goto(`${base}/perjanjian/baru`);
    const number = `PKS/DRAF/${Date.now()}`;
    await page.fill('#title', 'Draf kerja sama (uji peramban)');
    await page.fill('#number', number);
    await page.selectOption('#parties', ['BNNP-JAMBI', 'POLDA-JAMBI']);
    await page.fill('#valid_until', dateIn(180));
    await page.selectOption('#k0-from', 'BNNP-JAMBI');
    await page.selectOption('#k0-to', ['POLDA-JAMBI']);
    await page.check('input[name="clauses[0].categories"][value="narcotics"]');

    // Saved as a draft: not sent, editable, not approvable.
    await Promise.all([
      page.waitForURL(/\/perjanjian\/[0-9a-f-]{36}\?pesan=draf$/),
      page.click('#simpan-draf'),
    ]);
    const id = new URL(page.url()).pathname.split('/').pop();
    assert.match(await page.textContent('.pesan.sukses'), /Draf disimpan/);
    assert.equal((await page.textContent('#status-perjanjian')).trim(), 'draf');
    assert.equal(await page.locator('#setujui').count(), 0, 'a draft is not approved');
    await shot(page, 'ui2-draft');

    // Edited: the form comes back filled, with the version it was read at.
    await Promise.all([page.waitForURL(`${base}/perjanjian/${id}/ubah`), page.click('#ubah-draf')]);
    assert.match(await page.textContent('h1'), /Ubah draf/);
    assert.equal(await page.inputValue('#number'), number);
    assert.equal(await page.inputValue('input[name="version"]'), '1');
    assert.deepEqual(await page.$$eval('#k0-to option:checked', (os) => os.map((o) => o.value)), ['POLDA-JAMBI']);
    assert.equal(await page.isChecked('input[name="clauses[0].categories"][value="narcotics"]'), true);
    await page.fill('#title', 'Draf kerja sama, diperbaiki (uji peramban)');
    await Promise.all([page.waitForURL(`${base}/perjanjian/${id}?pesan=draf`), page.click('#simpan-draf')]);
    assert.equal((await page.textContent('h1')).trim(), 'Draf kerja sama, diperbaiki (uji peramban)');
    assert.equal((await page.textContent('#status-perjanjian')).trim(), 'draf');

    // A form read before that save is refused, the typed values kept.
    await page.goto(`${base}/perjanjian/${id}/ubah`);
    await page.locator('input[name="version"]').evaluate((el) => { el.value = '1'; });
    await page.fill('#title', 'Perubahan yang terlambat');
    watch.allow(409, `/perjanjian/${id}/ubah`);
    await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/perjanjian/${id}/ubah` && r.request().method() === 'POST'),
      page.click('#simpan-draf'),
    ]);
    await page.waitForSelector('#draf-berubah');
    assert.equal(await page.inputValue('#title'), 'Perubahan yang terlambat');

    // Proposed from the detail page.
    await page.goto(`${base}/perjanjian/${id}`);
    await Promise.all([page.waitForURL(`${base}/perjanjian/${id}?pesan=diusulkan`), page.click('#usulkan')]);
    assert.equal((await page.textContent('#status-perjanjian')).trim(), 'diusulkan');
    assert.equal(await page.locator('#ubah-draf').count(), 0, 'only drafts are edited');
    assert.equal(await page.locator('#setujui').count(), 1);

    // The signed text as a PDF: listed, and downloadable.
    assert.match(await page.textContent('#dokumen'), /Belum ada dokumen/);
    await page.setInputFiles('#form-dokumen input[type="file"]', {
      name: 'naskah-pks.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
    });
    await Promise.all([
      page.waitForURL(`${base}/perjanjian/${id}?pesan=dokumen#dokumen`),
      page.click('#form-dokumen button[type="submit"]'),
    ]);
    assert.match(await page.textContent('.pesan.sukses'), /Dokumen ditambahkan/);
    const link = page.locator('#daftar-dokumen a', { hasText: 'naskah-pks.pdf' });
    assert.equal(await link.count(), 1);
    assert.match(await page.textContent('#daftar-dokumen'), /application\/pdf · \d+ B · \d{4}-\d\d-\d\d \d\d:\d\d WIB/);
    const href = await link.getAttribute('href');
    assert.match(href, new RegExp(`^/api/v1/agreements/${id}/documents/[0-9a-f-]{36}$`));
    const pdf = await page.request.get(`${base}${href}`);
    assert.equal(pdf.status(), 200);
    assert.match(pdf.headers()['content-type'], /^application\/pdf/);
    assert.match((await pdf.body()).toString(), /^%PDF-1\.4/);
    await shot(page, 'ui2-documents', true);

    // Another type is refused on the page.
    watch.allow(415, `/perjanjian/${id}/dokumen`);
    await page.setInputFiles('#form-dokumen input[type="file"]', {
      name: 'catatan.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('bukan dokumen'),
    });
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/perjanjian/${id}/dokumen` && r.request().method() === 'POST'),
      page.click('#form-dokumen button[type="submit"]'),
    ]);
    assert.equal(resp.status(), 415);
    await page.waitForSelector('#dokumen .galat');
    assert.match(await page.textContent('#dokumen .galat'), /Jenis berkas tidak diterima/);
    assert.equal(await page.locator('#daftar-dokumen li').count(), 1);

    assert.deepEqual(watch.problems, [], 'no script errors or unexpected HTTP errors');
  } catch (e) {
    await shot(page, 'ui2-failure-draft', true).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

test('a coordinator refers a report to another agency and revokes the referral', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  const base = env.base;
  page.on('dialog', (d) => d.accept());
  try {
    await signIn(page, base, 'koordinator.bnnp.jambi');
    await page.goto(`${base}/laporan?agency=BNNP-JAMBI`);
    const own = page
      .locator('table.daftar-laporan tbody tr', { has: page.locator('abbr', { hasText: /^BNNP-JAMBI$/ }) })
      .first();
    const href = await own.locator('a[href^="/laporan/"]').getAttribute('href');
    await page.goto(`${base}${href}`);
    assert.match(await page.textContent('#dibagikan h2'), /Dibagikan kepada/);

    // Without a reason the app refuses; the message sits next to the field.
    await page.selectOption('#rujuk-to', 'POLDA-JAMBI');
    watch.allow(422, '/rujukan');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`${href}/rujukan`) && r.request().method() === 'POST'),
      page.locator('#form-rujuk').evaluate((f) => f.submit()),
    ]);
    await page.waitForSelector('#rujuk-reason');
    assert.equal(await page.locator('#rujuk-reason').evaluate((el) => el.closest('.field').classList.contains('ada-galat')), true);
    assert.equal(await page.inputValue('#rujuk-to'), 'POLDA-JAMBI', 'the chosen agency is kept');

    const reason = `Penyelidikan bersama ${Date.now()}`;
    await page.fill('#rujuk-reason', reason);
    await Promise.all([
      page.waitForURL(/\?pesan=rujukan#dibagikan$/),
      page.click('#form-rujuk button[type="submit"]'),
    ]);
    const item = page.locator('ul.rujukan li', { hasText: reason });
    assert.match(await item.textContent(), /POLDA-JAMBI[\s\S]*aktif[\s\S]*WIB/);
    await shot(page, 'ui2-referral');

    await Promise.all([
      page.waitForURL(/\?pesan=rujukan_dicabut#dibagikan$/),
      item.locator('button[type="submit"]').click(),
    ]);
    assert.match(await page.locator('ul.rujukan li', { hasText: reason }).textContent(), /dicabut/);
    assert.deepEqual(watch.problems, [], 'no script errors or unexpected HTTP errors');
  } catch (e) {
    await shot(page, 'ui2-failure-referral', true).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
});

test('a field officer is refused the audit trail and the proposal form', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  try {
    await signIn(page, env.base, 'ranger.tnks');
    assert.doesNotMatch(await page.textContent('nav.menu'), /Jejak audit/);
    for (const p of ['/admin/audit', '/perjanjian/baru']) {
      const resp = await page.goto(`${env.base}${p}`);
      assert.equal(resp.status(), 403, p);
      assert.match(await page.textContent('main'), /Tidak diizinkan/);
    }
  } finally {
    await context.close();
  }
});
