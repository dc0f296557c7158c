// A real-browser test of the KOTAN campaign on a phone-sized screen: Kesbangpol Jambi's
// coordinator opens the campaign through the menu, reads the rates, the table and the
// IKOTAN scores (the wide tables scroll inside their box, the page does not), opens
// Kerinci's 2022 answer from its cell, and reviews it — refused without a comment, then
// kept with one — all without a script error.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs for the
// environment). With SCREENSHOT_DIR set, it saves 360×740 screenshots named campaign-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems, openMenu } from './harness.mjs';

const env = useServerAndBrowser();

test('the KOTAN campaign is read and an answer reviewed on a phone', async () => {
  const base = env.base;
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, base, 'kesbangpol.jambi');
    await openMenu(page);
    await Promise.all([page.waitForURL(`${base}/kampanye`), page.click('#tautan-kampanye')]);
    const link = page.locator('#daftar-kampanye a', { hasText: 'KOTAN Provinsi Jambi' });
    await Promise.all([page.waitForURL(/\/kampanye\/[0-9a-f-]{36}$/), link.click()]);
    assert.equal(await page.textContent('#tingkat-pelaporan'), '84.8 %');
    assert.equal(await page.textContent('#tingkat-tepat-waktu'), '54.5 %');
    assert.equal(await page.locator('#tabel-kampanye tbody tr').count(), 11);
    assert.equal(await page.locator('#daftar-terlambat li').count(), 5, 'four regencies in 2021, Tebo in 2023');
    // The map: the eleven regencies, coloured by rate, then by their IKOTAN band.
    await page.waitForSelector('#peta-kampanye[data-units="11"]');
    await shot(page, 'campaign-map-rate', true);
    assert.ok(await page.locator('#legenda-peta').isVisible());
    await page.selectOption('#warna-peta', 'IKOTAN');
    await page.waitForSelector('#peta-kampanye[data-colour="IKOTAN"]');
    assert.ok(await page.locator('.legenda[data-kind="IKOTAN"]').isVisible());
    assert.ok(!(await page.locator('#legenda-peta').isVisible()));
    await shot(page, 'campaign-map');
    const ikotan = page.locator('#indeks-IKOTAN');
    assert.match(await ikotan.textContent(), /Cukup Tanggap/);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.equal(sideways, 0, 'the wide tables scroll in their box, not the page');
    await shot(page, 'campaign', true);

    // Kerinci's 2022 answer, from its cell.
    const cell = page.locator('#tabel-kampanye tr[data-wilayah="15.01"] td.sel-kampanye').nth(1);
    await Promise.all([page.waitForURL(/\/kiriman\/[0-9a-f-]{36}$/), cell.locator('a').click()]);
    assert.match(await page.textContent('#jawaban'), /Dikirim dari ODK Collect/);
    await page.check('input[name="status"][value="has_issues"]');
    watch.allow(422, '/periksa');
    await Promise.all([page.waitForLoadState('load'), page.click('#form-periksa button[type="submit"]')]);
    assert.ok(await page.locator('#galat-periksa').isVisible(), 'a reason is asked for');
    await page.check('input[name="status"][value="has_issues"]');
    await page.fill('#catatan-periksa', 'Nilai hukum tidak sesuai rekap Polres');
    await Promise.all([page.waitForURL(/\/kiriman\/[0-9a-f-]{36}$/), page.click('#form-periksa button[type="submit"]')]);
    assert.match(await page.textContent('#status-kiriman'), /Bermasalah/);
    assert.match(await page.textContent('#daftar-periksa'), /Nilai hukum tidak sesuai rekap Polres/);
    await shot(page, 'campaign-review', true);
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});
