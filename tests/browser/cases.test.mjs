// A real-browser test of a case on a phone-sized screen: the Kapuas Hulu police's head of
// criminal investigation opens a trafficking case through the menu and the form, records
// the investigation order, adds a victim with a photo — whose name is never on the page —
// opens the victim's identity for a stated purpose, sees it (and the photo) on that answer
// only, and finds the case on the deadlines page and the victim in the counts; then shares
// another victim's identity with the prosecutor on a case, who opens that one for a
// purpose, all without a script error.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs for the
// environment). With SCREENSHOT_DIR set, it saves 360×740 screenshots named case-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems, openMenu } from './harness.mjs';

const env = useServerAndBrowser();

/** How far the page scrolls sideways on the phone (0: it fits). */
function sideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** A 1×1 PNG, as a phone's camera would give a JPEG. */
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAF3RFWHRDb21tZW50AFNJVElGT1RPUkFIQVNJQd/XTnkAAAALSURBVHicY2AAAgAABQABel6rPwAAAABJRU5ErkJggg==',
  'base64',
);

/** A day `n` days before today in WIB, as YYYY-MM-DD. */
function daysAgo(n) {
  const d = new Date(Date.now() + 7 * 3600_000 - n * 86_400_000);
  return d.toISOString().slice(0, 10);
}

test('a case is opened, moved and its victim protected, on a phone', async () => {
  const base = env.base;
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, base, 'kasat.reskrim.kapuashulu');
    await openMenu(page);
    await Promise.all([page.waitForURL(`${base}/perkara`), page.click('#tautan-perkara')]);
    // The demo's Kapuas Hulu cases are listed.
    assert.ok((await page.locator('#daftar-perkara tbody tr').count()) > 0, 'the demo cases are listed');

    await page.fill('#judul', 'Perekrutan PMI ilegal lewat media sosial');
    await page.selectOption('#jenis', 'trafficking');
    await page.fill('#uu', 'UU 21/2007');
    await page.fill('#pasal', 'Pasal 4 jo. Pasal 10');
    await page.fill('#ancaman', '15');
    await page.fill('#wilayah', '61.06');
    await page.fill('#dibuka', daysAgo(12));
    await shot(page, 'case-new', true);
    await Promise.all([
      page.waitForURL(/\/perkara\/[0-9a-f-]{36}$/),
      page.click('#form-perkara button[type="submit"]'),
    ]);
    const caseUrl = page.url();
    assert.match(await page.textContent('#nomor-perkara'), /POLRES-KAPUAS-HULU$/);
    assert.match(await page.textContent('#hukum-acara'), /UU 20\/2025/);

    // The investigation order, ten days ago: the SPDP is overdue.
    await page.selectOption('#tahap', 'penyidikan');
    await page.fill('#nomor', 'Sprin.Sidik/31/XI/2026/Reskrim');
    await page.fill('#tanggal', daysAgo(10));
    await Promise.all([page.waitForURL(caseUrl), page.click('#form-tahap button[type="submit"]')]);
    assert.match(await page.textContent('#tahap-perkara'), /Penyidikan/);
    assert.ok(await page.locator('#tenggat-perkara .lencana.tenggat-overdue').count() > 0, 'the SPDP is overdue');

    // A victim: sealed, shown by role.
    await page.selectOption('#peran', 'victim');
    await page.fill('#nama', 'Yuliana Kristina Dewi');
    await page.fill('#nik', '6106014107050002');
    await page.check('input[name="anak"]');
    await page.fill('#asal', '61.06');
    await page.fill('#tujuan', 'MY');
    await page.fill('#pulang', daysAgo(5));
    await page.fill('#pos_lintas', 'Badau');
    await page.check('input[name="layanan"][value="shelter"]');
    await page.setInputFiles('#foto', { name: 'korban.png', mimeType: 'image/png', buffer: PHOTO });
    await Promise.all([page.waitForURL(caseUrl), page.click('#form-orang button[type="submit"]')]);
    const content = await page.content();
    assert.ok(!content.includes('Yuliana'), 'a protected name is never on the page');
    const card = page.locator('#daftar-orang li', { hasText: 'Korban 1' });
    await card.waitFor();
    await shot(page, 'case-victim', true);

    // Opened for a purpose: shown on that answer only.
    await card.locator('input[name="keperluan"]').fill('Pemanggilan korban untuk BAP');
    await Promise.all([page.waitForLoadState('load'), card.locator('button[type="submit"]').first().click()]);
    await page.locator('.identitas-terbuka').waitFor();
    assert.match(await page.textContent('.identitas-terbuka'), /Yuliana Kristina Dewi/);
    assert.match(await page.getAttribute('img.foto-identitas', 'src'), /^data:image\/png;base64,/);
    assert.ok(await page.evaluate(() => document.querySelector('img.foto-identitas').naturalWidth === 1), 'the photo shows');
    await shot(page, 'case-identity', true);
    await page.goto(caseUrl);
    assert.ok(!(await page.content()).includes('Yuliana'), 'not kept on the page');

    assert.equal(await sideways(page), 0, 'the case page fits the phone');
    // The deadlines page, the funnel and the counts fit the phone too.
    for (const p of ['/perkara', '/perkara/corong', '/perkara/tugas', '/perkara/pelimpahan']) {
      await page.goto(`${base}${p}`);
      assert.equal(await sideways(page), 0, `${p} fits the phone`);
    }
    await page.goto(`${base}/perkara/tenggat`);
    assert.equal(await sideways(page), 0, 'the deadlines fit the phone');
    assert.ok((await page.textContent('#daftar-tenggat')).includes('Perekrutan PMI ilegal lewat media sosial'));
    await page.goto(`${base}/perkara/korban?wilayah=61`);
    assert.match(await page.textContent('#jumlah-korban'), /\d+/);
    assert.ok(!(await page.content()).includes('Yuliana'));
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});

test('a victim is shared with the prosecutor on the case, who opens it, on a phone', async () => {
  const base = env.base;
  const police = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const prosecutor = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  try {
    const page = await police.newPage();
    const watch = watchProblems(page);
    await signIn(page, base, 'kasat.reskrim.kapuashulu');
    await page.goto(`${base}/perkara`);
    await Promise.all([
      page.waitForURL(/\/perkara\/[0-9a-f-]{36}$/),
      page.click('#daftar-perkara a:has-text("dari Kuching melalui Badau")'),
    ]);
    const caseUrl = page.url();
    // The second victim may be shared with the Kejaksaan on the case, for a purpose.
    const card = page.locator('#daftar-orang li', { hasText: 'Korban 2' });
    const share = card.locator('form[id^="bagikan-"]');
    await share.locator('select[name="instansi"]').selectOption('KEJARI-KAPUAS-HULU');
    await share.locator('input[name="keperluan"]').fill('Pemanggilan korban sebagai saksi di persidangan');
    await shot(page, 'case-share', true);
    await Promise.all([page.waitForURL(caseUrl), share.locator('button[type="submit"]').click()]);
    assert.match(await card.locator('ul.daftar-bagi').textContent(), /KEJARI-KAPUAS-HULU/);
    assert.equal(await sideways(page), 0, 'the case page fits the phone');
    assert.deepEqual(watch.problems, []);

    // The prosecutor sees both shared victims by role only, and opens the second.
    const jaksa = await prosecutor.newPage();
    const watchJaksa = watchProblems(jaksa);
    await signIn(jaksa, base, 'jaksa.kejari.kapuashulu');
    await jaksa.goto(caseUrl);
    assert.ok(!(await jaksa.content()).includes('Korban I (fiktif)'), 'nothing shown before opening');
    const theirs = jaksa.locator('#daftar-orang li', { hasText: 'Korban 2' });
    await theirs.locator('input[name="keperluan"]').fill('Penyusunan surat dakwaan');
    await Promise.all([jaksa.waitForLoadState('load'), theirs.locator('button[type="submit"]').click()]);
    await jaksa.locator('.identitas-terbuka').waitFor();
    assert.match(await jaksa.textContent('.identitas-terbuka'), /Korban I \(fiktif\)/);
    await shot(jaksa, 'case-shared-opened', true);
    assert.equal(await sideways(jaksa), 0, 'the case page fits the phone');
    assert.deepEqual(watchJaksa.problems, []);
  } finally {
    await police.close();
    await prosecutor.close();
  }
});
