// A real-browser test of the secretary's day on a phone-sized screen: the Kapuas Hulu task
// force's secretary forms the Satgas through the menu and the form, records the meeting of
// 27 May 2025 (attendance, minutes, a decision, three action items), closes one item, sees
// the overdue ones by agency on the group's page, and records the next meeting, into which
// the open items are carried.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs for the
// environment). With SCREENSHOT_DIR set, it saves 360×740 screenshots named coord-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems, openMenu } from './harness.mjs';

const env = useServerAndBrowser();

/** Submits the form `selector` and waits for the page it leads to. */
async function submit(page, selector, url) {
  await Promise.all([page.waitForURL(url), page.click(`${selector} button[type="submit"]`)]);
}

test("the secretary's day: a meeting recorded, its items followed and carried", async () => {
  const base = env.base;
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, base, 'satgas.kapuashulu');
    await openMenu(page);
    await Promise.all([page.waitForURL(`${base}/pokja`), page.click('#tautan-pokja')]);
    await Promise.all([page.waitForURL(`${base}/pokja/baru`), page.click('#tautan-pokja-baru')]);
    await page.fill('#nama', 'Satgas TPPO Kapuas Hulu');
    await page.selectOption('#jenis', 'satgas');
    await page.fill('#dasar_hukum', 'Keputusan Bupati Kapuas Hulu tentang Satgas Pencegahan dan Penanganan TPPO');
    await page.fill('#anggota', 'POLRES-KAPUAS-HULU\nIMIGRASI-PUTUSSIBAU\nPLBN-BADAU');
    await page.fill('#mulai', '2025-05-27');
    await page.selectOption('select[name="orang_0_peran"]', 'sekretaris');
    await shot(page, 'coord-group-form', true);
    await submit(page, '#form-pokja', /\/pokja\/[0-9a-f-]{36}$/);
    const groupUrl = page.url();
    assert.match(await page.textContent('#anggota-pokja'), /IMIGRASI-PUTUSSIBAU/);

    await page.fill('#waktu', '2025-05-27T09:00');
    await page.fill('#tempat', 'Aula Kantor Bupati, Putussibau');
    await page.fill('#wilayah', '61.06');
    await page.fill('#agenda', 'Pembentukan Satgas\nPemulangan korban');
    await submit(page, '#form-rapat', /\/rapat\/[0-9a-f-]{36}$/);
    const meetingUrl = page.url();
    assert.match(await page.textContent('h1'), /2025-05-27 09:00 WIB/);

    for (const [name, agency, position] of [
      ['AKBP Budi', 'POLRES-KAPUAS-HULU', 'Kapolres'],
      ['Rina', 'IMIGRASI-PUTUSSIBAU', 'Kepala Seksi'],
    ]) {
      await page.fill('#hadir-nama', name);
      await page.fill('#hadir-instansi', agency);
      await page.fill('#hadir-jabatan', position);
      await submit(page, '#form-hadir', meetingUrl);
    }
    await page.fill('#notulen', 'Rapat dibuka pukul 09.00 WIB oleh Sekda.\nPeserta sepakat membentuk Satgas.');
    await submit(page, '#form-notulen', meetingUrl);
    await page.fill('#keputusan', 'Membentuk Satgas TPPO Kabupaten Kapuas Hulu');
    await submit(page, '#form-keputusan', meetingUrl);
    for (const [what, agency, due] of [
      ['Menyerahkan data korban yang dipulangkan', 'POLRES-KAPUAS-HULU', '2025-06-10'],
      ['Memeriksa dokumen perjalanan di PLBN', 'PLBN-BADAU', '2025-06-15'],
      ['Menyusun rencana aksi daerah', 'PEMKAB-KAPUAS-HULU', '2099-12-31'],
    ]) {
      await page.fill('#apa', what);
      await page.selectOption('#tl-instansi', agency);
      await page.fill('#tenggat', due);
      await submit(page, '#form-tindak-lanjut', meetingUrl);
    }
    assert.equal(await page.locator('#daftar-hadir tbody tr').count(), 2);
    assert.equal(await page.locator('#tindak-lanjut-rapat tbody tr').count(), 3);
    await shot(page, 'coord-meeting', true);

    // PLBN's item is done; the police's is overdue, shown by agency on the group's page.
    const plbn = page.locator('#tindak-lanjut-rapat tbody tr', { hasText: 'PLBN-BADAU' });
    await plbn.locator('select[name="status"]').selectOption('done');
    await Promise.all([page.waitForURL(meetingUrl), plbn.locator('button[type="submit"]').click()]);
    await page.goto(groupUrl);
    const overdue = await page.textContent('#terlambat-pokja');
    assert.match(overdue, /POLRES-KAPUAS-HULU/);
    assert.match(overdue, /Menyerahkan data korban/);
    assert.doesNotMatch(overdue, /PLBN-BADAU/);
    await shot(page, 'coord-group', true);

    // The next meeting carries the two open items, not the one done.
    await page.fill('#waktu', '2099-01-12T10:00');
    await page.fill('#tautan', 'https://rapat.example.go.id/satgas-tppo');
    await submit(page, '#form-rapat', /\/rapat\/[0-9a-f-]{36}$/);
    assert.notEqual(page.url(), meetingUrl);
    const carried = page.locator('#dibawa-rapat tbody tr');
    assert.equal(await carried.count(), 2);
    assert.doesNotMatch(await page.textContent('#dibawa-rapat'), /PLBN-BADAU/);
    await shot(page, 'coord-next-meeting', true);
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});
