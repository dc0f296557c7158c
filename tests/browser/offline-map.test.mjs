// The map in the field without a signal: after the report form's map was seen once
// online, the service worker keeps its base-map tiles (the demo's own MBTiles file) and
// its view's boundaries, so the same form opened offline still shows the map there.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn } from './harness.mjs';

const env = useServerAndBrowser();

test('the base map and boundaries seen online are there offline', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const base = env.base;
  try {
    await signIn(page, base, 'ranger.tnks');
    await page.goto(`${base}/laporan/baru`);
    // The worker installs its whole precache before it takes the page: on a loaded
    // machine that has taken more than 30 s.
    try {
      await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 90_000 });
    } catch (e) {
      // Say where the worker got to (none, installing, waiting, active), so a failure
      // tells an install that failed from one that was slow.
      const state = await page.evaluate(async () => {
        const r = await navigator.serviceWorker.getRegistration();
        if (!r) return 'no registration';
        const w = (x) => (x ? x.state : '-');
        return `installing ${w(r.installing)}, waiting ${w(r.waiting)}, active ${w(r.active)}`;
      });
      throw new Error(`the service worker did not take the page: ${state}; ${e.message}`);
    }
    // Seen once under the worker: tiles and boundaries go through it.
    const boundaries = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/boundaries') {
        boundaries.push(r.status());
      }
    });
    await page.reload();
    await page.waitForSelector('#peta-pilih .leaflet-tile-loaded', { timeout: 30_000 });
    await page.waitForLoadState('networkidle');
    assert.ok(boundaries.length > 0 && boundaries.every((s) => s === 200), `boundaries online: ${boundaries}`);
    const online = await page.$$eval('#peta-pilih .leaflet-tile-loaded', (t) => t.map((i) => i.src).sort());
    assert.ok(online.length > 0, 'tiles drawn online');
    await page.waitForTimeout(500);

    await context.setOffline(true);
    boundaries.length = 0;
    await page.reload();
    await page.waitForSelector('#peta-pilih .leaflet-tile-loaded', { timeout: 30_000 });
    const offline = await page.$$eval('#peta-pilih .leaflet-tile-loaded', (t) => t.map((i) => i.src).sort());
    assert.deepEqual(offline, online, 'the same tiles, from the phone');
    await page.waitForLoadState('networkidle');
    assert.ok(boundaries.length > 0 && boundaries.every((s) => s === 200), `the view's boundaries from the phone: ${boundaries}`);
    const broken = await page.$$eval('#peta-pilih img.leaflet-tile', (t) => t.filter((i) => i.complete && i.naturalWidth === 0).length);
    assert.equal(broken, 0, 'no tile missing');
  } finally {
    await context.setOffline(false);
    await context.close();
  }
});
