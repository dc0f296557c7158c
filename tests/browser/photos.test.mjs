// Photos on a phone: a field officer takes two photos with the camera input and picks
// two from the gallery on the new-report form, sees them as previews and removes one,
// saves, and finds the three as thumbnails on the report's page that open the full
// image. A form with a file that is not a photo is refused as a whole: it names the
// file, keeps what was typed, asks for the photos again and saves no report.
//
// Run from the repository root: `node --test tests/browser/photos.test.mjs` (see
// harness.mjs for CHROMIUM, SINERGI_BIN and SCREENSHOT_DIR).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems } from './harness.mjs';

const env = useServerAndBrowser();

/** A JPEG or PNG drawn by the browser: a coloured square with a label. */
async function image(page, type, colour, label) {
  const dataUrl = await page.evaluate(([t, c, l]) => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const g = canvas.getContext('2d');
    g.fillStyle = c;
    g.fillRect(0, 0, 640, 480);
    g.fillStyle = '#fff';
    g.font = '64px sans-serif';
    g.fillText(l, 40, 260);
    return canvas.toDataURL(t, 0.8);
  }, [type, colour, label]);
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

/** Fills the required fields of a snare report and picks its place on the map. */
async function fillReport(page, title) {
  await page.selectOption('#type', 'snare_found');
  await page.waitForSelector('input[name="attr.snare_count"]');
  await page.fill('input[name="attr.snare_count"]', '2');
  await page.selectOption('select[name="attr.snare_type"]', 'wire');
  await page.fill('#title', title);
  await page.fill('#lon', '101.45');
  await page.fill('#lat', '-1.95');
}

test('photos taken and chosen on the new-report form become thumbnails of the report', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, env.base, 'ranger.tnks');
    await page.goto(`${env.base}/laporan/baru`);
    const camera = page.locator('#foto-kamera');
    assert.equal(await camera.getAttribute('accept'), 'image/*');
    assert.equal(await camera.getAttribute('capture'), 'environment');
    assert.notEqual(await camera.getAttribute('multiple'), null);
    assert.equal(await page.getAttribute('form.laporan-form', 'enctype'), 'multipart/form-data');

    const shots = [
      { name: 'kamera-1.jpg', mimeType: 'image/jpeg', buffer: await image(page, 'image/jpeg', '#2f6b3f', 'kamera 1') },
      { name: 'kamera-2.jpg', mimeType: 'image/jpeg', buffer: await image(page, 'image/jpeg', '#8a4b1d', 'kamera 2') },
    ];
    const gallery = [
      { name: 'galeri-1.png', mimeType: 'image/png', buffer: await image(page, 'image/png', '#1e5aa8', 'galeri 1') },
      { name: 'galeri-2.png', mimeType: 'image/png', buffer: await image(page, 'image/png', '#b3261e', 'galeri 2') },
    ];
    // Each photo from the camera is kept; the input is offered again for the next one.
    await page.setInputFiles('#foto-kamera', shots[0]);
    await page.setInputFiles('#foto-kamera', shots[1]);
    await page.setInputFiles('#foto-galeri', gallery);
    const previews = page.locator('#foto-pratinjau li');
    assert.equal(await previews.count(), 4, 'four photos chosen');
    await page.waitForFunction(() => [...document.querySelectorAll('#foto-pratinjau img')]
      .every((i) => i.complete && i.naturalWidth > 0));
    await page.locator('#foto-pratinjau').scrollIntoViewIfNeeded();
    await shot(page, 'foto-pratinjau');
    await previews.filter({ hasText: 'galeri-2.png' }).locator('button').click();
    assert.equal(await previews.count(), 3, 'one removed');
    assert.equal(await previews.filter({ hasText: 'galeri-2.png' }).count(), 0);

    const title = `Jerat berfoto ${Date.now()}`;
    await fillReport(page, title);
    await Promise.all([
      page.waitForURL(/\/laporan\/[0-9a-f-]{36}\?pesan=dibuat$/),
      page.click('form.laporan-form button[type="submit"]:not([name])'),
    ]);
    assert.equal((await page.textContent('h1')).trim(), title);

    // The report's page: three small thumbnails, loaded lazily, each opening its image.
    const thumbs = page.locator('#galeri-foto img');
    assert.equal(await thumbs.count(), 3);
    const names = await page.locator('#galeri-foto .foto-nama').allTextContents();
    assert.deepEqual(names.sort(), ['galeri-1.png', 'kamera-1.jpg', 'kamera-2.jpg']);
    await page.locator('#galeri-foto').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => [...document.querySelectorAll('#galeri-foto img')]
      .every((i) => i.complete && i.naturalWidth > 0));
    for (let i = 0; i < 3; i++) {
      const img = thumbs.nth(i);
      assert.equal(await img.getAttribute('loading'), 'lazy');
      const src = await img.getAttribute('src');
      assert.match(src, /^\/api\/v1\/attachments\/[0-9a-f-]{36}$/);
      assert.equal(await img.evaluate((e) => e.closest('a').getAttribute('href')), src, 'links to the full image');
      const box = await img.boundingBox();
      assert.ok(box.width <= 140 && box.height <= 140, `a small thumbnail: ${box.width}×${box.height}`);
    }
    await shot(page, 'foto-galeri');
    const href = await page.locator('#galeri-foto a.foto-mini').first().getAttribute('href');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(href)),
      page.click(`#galeri-foto a[href="${href}"]`),
    ]);
    assert.match(response.headers()['content-type'], /^image\//);
    await page.goBack();

    // A file that is not a photo refuses the whole form.
    await page.goto(`${env.base}/laporan/baru`);
    const refusedTitle = `Jerat ditolak ${Date.now()}`;
    await fillReport(page, refusedTitle);
    await page.setInputFiles('#foto-galeri', [
      gallery[0],
      { name: 'catatan.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('#!/bin/sh\necho bukan foto\n') },
    ]);
    watch.allow(422, '/laporan');
    await Promise.all([
      page.waitForLoadState('load'),
      page.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 422),
      page.click('form.laporan-form button[type="submit"]:not([name])'),
    ]);
    assert.match(await page.textContent('#ringkasan-galat'), /catatan\.jpg: Jenis berkas tidak diterima/);
    assert.ok(await page.locator('#foto-ulang').isVisible(), 'asks for the photos again');
    assert.equal(await page.inputValue('#title'), refusedTitle, 'what was typed is kept');
    await shot(page, 'foto-ditolak');
    await page.goto(`${env.base}/laporan?q=${encodeURIComponent(refusedTitle)}`);
    assert.equal(await page.locator('td.judul-sel a').count(), 0, 'no report was saved');

    assert.deepEqual(watch.problems, [], 'no script errors, blocked images or failed requests');
  } finally {
    await context.close();
  }
});
