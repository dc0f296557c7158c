// A real-browser test of coarsened locations on the demo data set: Polres Kerinci receives
// Balai Besar TNKS's tiger records rounded to 10 km. The report map draws such a record
// as its 10 km grid cell (dashed, with a hollow ring to find it when zoomed out), never
// as a pin, and its popup says "± 10 km"; the report page says "± 10 km" beside
// coordinates with one decimal and draws the cell.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs). With
// SCREENSHOT_DIR set, it saves screenshots named kasar-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems } from './harness.mjs';

const env = useServerAndBrowser();

test('a coarsened location is drawn as its cell, not as a pin', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  const base = env.base;
  try {
    await signIn(page, base, 'penyidik.polres.kerinci');
    const coarse = await page.evaluate(async () => {
      const r = await fetch('/api/v1/reports?limit=1000', { credentials: 'same-origin' });
      const fc = await r.json();
      return fc.features.find((f) => f.properties.access && f.properties.access.precision === 10000);
    });
    assert.ok(coarse, 'a report delivered at 10 km');
    const id = coarse.id;

    // The report map.
    await page.goto(`${base}/peta`);
    await page.waitForSelector('#peta[data-loaded]:not([data-loaded="0"])');
    await page.waitForSelector(`#peta [data-report-id="${id}"]`, { state: 'attached' });
    const drawn = await page.$$eval(`#peta [data-report-id="${id}"]`, (els) =>
      els.map((e) => ({ tag: e.tagName.toLowerCase(), cls: e.getAttribute('class') || '' })));
    assert.ok(drawn.every((d) => d.tag === 'path'), `no pin: ${JSON.stringify(drawn)}`);
    assert.ok(drawn.some((d) => d.cls.includes('lokasi-kasar')), `the cell: ${JSON.stringify(drawn)}`);
    const lat = coarse.geometry.coordinates[1];
    const lon = coarse.geometry.coordinates[0];
    // Its popup says how coarse it is (the ring is clicked in place: other reports may
    // lie on top of it at this zoom).
    await page.$eval(`#peta path.lokasi-kasar-cincin[data-report-id="${id}"]`, (el) => {
      const box = el.getBoundingClientRect();
      el.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2 }));
    });
    await page.waitForSelector('.leaflet-popup-content .popup-laporan');
    assert.match(await page.textContent('.leaflet-popup-content'), /± 10 km/);
    await shot(page, 'kasar-peta');

    // The report page.
    await page.goto(`${base}/laporan/${id}`);
    await page.waitForSelector('#peta-detail path.lokasi-kasar');
    assert.equal(await page.$$eval('#peta-detail .leaflet-marker-icon', (m) => m.length), 0, 'no pin');
    const facts = await page.textContent('dl.sifat');
    // One decimal of each coordinate (Rust and JavaScript may round a last 5 apart).
    const shown = /(-?\d+\.\d), (-?\d+\.\d) \(± 10 km\)/.exec(facts);
    assert.ok(shown, `coordinates with one decimal and ± 10 km: ${facts}`);
    assert.ok(Math.abs(Number(shown[1]) - lat) <= 0.0501 && Math.abs(Number(shown[2]) - lon) <= 0.0501,
      `${shown[0]} shows ${lat}, ${lon}`);
    assert.doesNotMatch(facts, /\d\.\d{3,}/, 'no coordinates more precise than the cell');
    assert.match(await page.textContent('#lokasi-kasar'), /10 km/);
    const cell = await page.$eval('#peta-detail path.lokasi-kasar', (e) => e.getBoundingClientRect());
    assert.ok(cell.width > 20 && cell.height > 20, `the cell fills the small map: ${JSON.stringify(cell)}`);
    await shot(page, 'kasar-laporan', true);
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});
