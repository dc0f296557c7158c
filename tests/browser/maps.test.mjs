// A real-browser test of the maps on the demo data set: the report map downloads the
// boundaries of its view only (not the whole country), shows place names fitting the
// zoom, finds a place by name and flies there, and draws the demo's own base map (tiles
// Sinergi serves from the MBTiles file the demo drew). The area editor lists the
// villages a drawn area covers. The report form's first load stays small on the wire.
//
// Run from the repository root: `node --test tests/browser/maps.test.mjs` (see
// harness.mjs). With SCREENSHOT_DIR set, it saves screenshots named peta-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems } from './harness.mjs';

const env = useServerAndBrowser();

/** Bytes on the wire of every response of a page, by URL path, as the browser counts them. */
function countBytes(page) {
  const sizes = [];
  const pending = [];
  page.on('requestfinished', (req) => {
    pending.push(req.sizes().then((s) => {
      sizes.push({ url: req.url(), bytes: s.responseBodySize + s.responseHeadersSize });
    }, () => {
      // A request of a page already closed: not counted.
    }));
  });
  // Every size read so far (each is read asynchronously after its request finished).
  sizes.settled = () => Promise.all(pending).then(() => sizes);
  return sizes;
}

test('the report map: boundaries of the view, names, place search and the demo base map', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  const base = env.base;
  const asked = [];
  page.on('request', (r) => asked.push(r.url()));
  try {
    await signIn(page, base, 'ranger.tnks');
    // Kerinci at zoom 10.
    await page.goto(`${base}/peta#peta=10/-1.95/101.40`);
    await page.waitForSelector('#peta[data-batas="10"]');
    const boundaries = asked.filter((u) => u.includes('/boundaries'));
    assert.ok(boundaries.length >= 1, 'boundaries were asked for');
    assert.ok(boundaries.every((u) => /\/boundaries\?zoom=\d+&bbox=/.test(u)), boundaries.join(' '));
    assert.ok(!asked.some((u) => /\.geojson/.test(u)), 'no whole-country file');

    // Names fitting the zoom: districts of Kerinci at zoom 10, never overlapping.
    await page.waitForSelector('#peta .nama-wilayah [data-tingkat="district"]');
    const labels = await page.$$eval('#peta .nama-wilayah span', (els) => els.map((e) => {
      const b = e.getBoundingClientRect();
      return { code: e.getAttribute('data-kode'), text: e.textContent, x0: b.left, x1: b.right, y0: b.top, y1: b.bottom };
    }));
    assert.ok(labels.some((l) => l.code.startsWith('15.01.')), JSON.stringify(labels.map((l) => l.code)));
    assert.ok(labels.every((l) => l.text.length > 0));
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const a = labels[i];
        const b = labels[j];
        const overlap = a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1;
        assert.ok(!overlap, `${a.text} and ${b.text} overlap`);
      }
    }

    // The demo's base map: tiles from Sinergi itself, loaded as images.
    await page.waitForSelector('#peta .leaflet-tile-pane img.leaflet-tile-loaded');
    const tiles = await page.$$eval('#peta .leaflet-tile-pane img.leaflet-tile-loaded', (imgs) =>
      imgs.map((i) => ({ src: i.src, w: i.naturalWidth })));
    assert.ok(tiles.length > 0);
    assert.ok(tiles.every((t) => new URL(t.src).pathname.startsWith('/tiles/10/') && t.w === 256), JSON.stringify(tiles.slice(0, 3)));
    assert.match(await page.textContent('#peta .leaflet-control-attribution'), /Sinergi demo/);
    await shot(page, 'peta-kerinci');

    // Zoomed out to the country: province names, and the whole view in one small answer.
    await page.goto('about:blank');
    await page.goto(`${base}/peta#peta=5/-2.5/118`);
    await page.waitForSelector('#peta[data-batas="5"]');
    await page.waitForSelector('#peta .nama-wilayah [data-tingkat="province"]');

    // Search a place by name and fly there.
    const before = await page.evaluate(() => window.location.hash);
    await page.click('#peta .cari-peta-buka');
    await page.fill('#peta .cari-peta-isian', 'Sungai Penuh');
    await page.press('#peta .cari-peta-isian', 'Enter');
    await page.waitForSelector('#peta .cari-peta-hasil button[data-kode="15.72"]');
    await page.click('#peta .cari-peta-hasil button[data-kode="15.72"]');
    // Kota Sungai Penuh lies at about 101.39 E, 2.06 S.
    await page.waitForFunction(() => {
      const m = /^#peta=([\d.]+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(window.location.hash);
      return m && Number(m[1]) >= 10 && Math.abs(Number(m[2]) + 2.06) < 0.2 && Math.abs(Number(m[3]) - 101.39) < 0.2;
    }, null, { timeout: 10_000 });
    assert.notEqual(await page.evaluate(() => window.location.hash), before);
    await page.waitForSelector('#peta .nama-wilayah span');
    await shot(page, 'peta-cari');
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});

test('the area editor lists the villages a drawn area covers', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1024, height: 900 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  const base = env.base;
  try {
    await signIn(page, base, 'koordinator.wk');
    await page.goto(`${base}/peringatan/area`);
    await page.click('input[name="cara"][value="peta"]');
    await page.waitForSelector('#peta-gambar.leaflet-container', { state: 'visible' });
    // Fly to Sungai Penuh with the map's own search, then draw a triangle round its centre.
    await page.click('#peta-gambar .cari-peta-buka');
    await page.fill('#peta-gambar .cari-peta-isian', 'Sungai Penuh');
    await page.press('#peta-gambar .cari-peta-isian', 'Enter');
    await page.click('#peta-gambar .cari-peta-hasil button[data-kode="15.72"]');
    await page.waitForTimeout(1500);
    const box = await page.locator('#peta-gambar').boundingBox();
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    for (const [dx, dy] of [[-60, -50], [60, -50], [0, 60]]) {
      await page.mouse.click(cx + dx, cy + dy);
    }
    await page.waitForSelector('#desa-tercakup li[data-kode]');
    const villages = await page.$$eval('#desa-tercakup li[data-kode]', (els) => els.map((e) => e.getAttribute('data-kode')));
    assert.ok(villages.length > 0);
    assert.ok(villages.every((c) => /^15\.72\.\d\d\.\d{4}$/.test(c)), villages.join(' '));
    assert.match(await page.textContent('#desa-tercakup'), /Desa di dalam bentuk ini|Bentuk ini ada di desa/);
    await shot(page, 'peta-area-desa');
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});

test('the report form on a phone loads within 100 KB before the base map', async () => {
  // A first visit has no service worker yet; with one (installed by the sign-in page
  // here) the page's requests are answered through it and their bytes are not the page's
  // to count.
  const context = await env.browser.newContext({
    viewport: { width: 360, height: 740 }, locale: 'id-ID', isMobile: true, serviceWorkers: 'block',
  });
  const page = await context.newPage();
  const base = env.base;
  try {
    await signIn(page, base, 'ranger.tnks');
    const sizes = countBytes(page);
    const boundariesAnswered = page.waitForEvent('requestfinished', (r) => r.url().includes('/boundaries'));
    await page.goto(`${base}/laporan/baru`);
    await page.waitForSelector('#peta-pilih[data-batas]');
    await boundariesAnswered;
    await page.waitForLoadState('networkidle');
    await sizes.settled();
    const total = sizes.filter((s) => !new URL(s.url).pathname.startsWith('/tiles/')).reduce((n, s) => n + s.bytes, 0);
    const boundaries = sizes.filter((s) => s.url.includes('/boundaries')).reduce((n, s) => n + s.bytes, 0);
    console.log(`report form: ${total} bytes before the base map, of which boundaries ${boundaries}`);
    assert.ok(boundaries > 0 && boundaries < 40_000, `boundaries: ${boundaries}`);
    assert.ok(total <= 100_000, `${total} bytes: ${JSON.stringify(sizes.map((s) => [new URL(s.url).pathname, s.bytes]))}`);
  } finally {
    await context.close();
  }
});
