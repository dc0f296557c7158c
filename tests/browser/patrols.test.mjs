// A real-browser test of patrols on a phone-sized screen: the park's coordinator plans a
// joint patrol with a police member through the menu and the form, uploads the day's
// track from a handheld GPS (a GPX file) on the patrol's page, and sees the track drawn on
// the map with the effort computed from it; the same file again adds nothing.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs for the
// environment). With SCREENSHOT_DIR set, it saves 360×740 screenshots named patrol-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems, openMenu } from './harness.mjs';

const env = useServerAndBrowser();

/** A morning's walk near Sungai Penuh: 20 points 3 minutes apart. */
function walkGpx() {
  let pts = '';
  for (let i = 0; i < 20; i += 1) {
    const lon = (101.39 + i * 0.0012).toFixed(6);
    const lat = (-2.06 + i * 0.0008).toFixed(6);
    const min = String(i * 3).padStart(2, '0');
    pts += `<trkpt lat="${lat}" lon="${lon}"><time>2026-11-10T01:${min}:00Z</time></trkpt>`;
  }
  return `<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Hari 1</name><trkseg>${pts}</trkseg></trk></gpx>`;
}

test('a joint patrol is planned, its GPS track uploaded and drawn with its effort', async () => {
  const base = env.base;
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, base, 'koordinator.tnks');
    await openMenu(page);
    await Promise.all([page.waitForURL(`${base}/patroli`), page.click('#tautan-patroli')]);
    await Promise.all([page.waitForURL(`${base}/patroli/baru`), page.click('#tautan-patroli-baru')]);
    await page.fill('#judul', 'Patroli gabungan Danau Gunung Tujuh');
    await page.selectOption('#mandat', 'joint_operation');
    await page.fill('#mulai', '2026-11-10');
    await page.fill('#selesai', '2026-11-10');
    await page.fill('input[name="anggota_1_instansi"]', 'POLRES-KERINCI');
    await page.fill('input[name="anggota_1_pengguna"]', 'penyidik.polres.kerinci');
    await shot(page, 'patrol-form', true);
    await Promise.all([
      page.waitForURL(/\/patroli\/[0-9a-f-]{36}$/),
      page.click('#form-patroli button[type="submit"]'),
    ]);
    const patrolUrl = page.url();
    assert.match(await page.textContent('#anggota-patroli'), /POLRES-KERINCI/);
    assert.equal(await page.locator('#peta-patroli').count(), 0, 'no map before a track');

    await page.setInputFiles('#form-gpx-patroli input[type="file"]', {
      name: 'hari1.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(walkGpx()),
    });
    await Promise.all([
      page.waitForURL(`${patrolUrl}?pesan=impor`),
      page.click('#form-gpx-patroli button[type="submit"]'),
    ]);
    await page.waitForSelector('#peta-patroli path.leaflet-interactive');
    assert.ok((await page.locator('#peta-patroli path.leaflet-interactive').count()) >= 1, 'the track is drawn');
    assert.match(await page.textContent('#ringkasan-upaya'), /km ditempuh dalam 1 hari patroli/);
    await shot(page, 'patrol-track', true);

    // The same file again: nothing is added, and the page says so.
    await page.setInputFiles('#form-gpx-patroli input[type="file"]', {
      name: 'hari1.gpx', mimeType: 'application/gpx+xml', buffer: Buffer.from(walkGpx()),
    });
    await Promise.all([
      page.waitForURL(`${patrolUrl}?pesan=sama`),
      page.click('#form-gpx-patroli button[type="submit"]'),
    ]);
    assert.equal(await page.locator('#leg-patroli tbody tr').count(), 1);
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});
