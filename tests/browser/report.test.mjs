// A real-browser test of the web UI on a phone-sized screen: a field officer signs in,
// records a snare report by choosing its type and tapping the form's map, then finds
// the report in the filtered list and on the map. It starts its own server with the
// demo data in a fresh directory (harness.mjs) and always stops it again, also when a
// step fails.
//
// Run from the repository root: `node --test tests/browser/`. Needs Debian's chromium
// (CHROMIUM overrides the path) and a built binary (SINERGI_BIN overrides
// target/debug/sinergi). With SCREENSHOT_DIR set, it saves a 360×740 screenshot of the
// home, list, map and create pages there.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useServerAndBrowser, SHOTS, PASSWORD, shot as saveShot } from './harness.mjs';

const USER = 'ranger.tnks';
const env = useServerAndBrowser();

async function shot(page, name) {
  await saveShot(page, `ui-${name}`);
}

test('a field officer records a snare report and finds it in the list and on the map', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) {
      problems.push(`HTTP ${r.status()} for ${r.url()}`);
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${m.text()}`);
    }
  });
  try {
    // Every page sends a visitor who is not signed in to the sign-in form.
    await page.goto(`${env.base}/laporan`);
    assert.equal(new URL(page.url()).pathname, '/masuk');
    await page.fill('#username', USER);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${env.base}/`), page.click('form[action="/masuk"] button[type="submit"]')]);
    assert.match(await page.textContent('header'), /Polhut BBTNKS/);
    assert.match(await page.textContent('h1'), /Beranda/);
    await shot(page, 'home');

    // Record a report: type, required attribute, a unique title and a tap on the map.
    await page.goto(`${env.base}/laporan/baru`);
    await shot(page, 'create');
    await page.selectOption('#type', 'snare_found');
    await page.waitForSelector('input[name="attr.snare_count"]');
    await page.fill('input[name="attr.snare_count"]', '3');
    await page.selectOption('select[name="attr.snare_type"]', 'wire');
    const title = `Jerat uji peramban ${Date.now()}`;
    await page.fill('#title', title);
    await page.fill('#description', 'Tiga jerat kawat di jalur patroli.');
    assert.equal(await page.inputValue('#lon'), '');
    await page.waitForSelector('#peta-pilih.leaflet-container');
    await page.click('#peta-pilih');
    await page.waitForFunction(() => document.getElementById('lon').value !== '' && document.getElementById('lat').value !== '');
    const lon = Number(await page.inputValue('#lon'));
    const lat = Number(await page.inputValue('#lat'));
    assert.ok(lon > 95 && lon < 141, `longitude ${lon} lies in Indonesia`);
    assert.ok(lat > -11 && lat < 6, `latitude ${lat} lies in Indonesia`);
    await page.waitForSelector('#peta-pilih .leaflet-marker-icon');

    await Promise.all([
      page.waitForURL(/\/laporan\/[0-9a-f-]{36}\?pesan=dibuat$/),
      page.click('form.laporan-form button[type="submit"]:not([name])'),
    ]);
    assert.equal((await page.textContent('h1')).trim(), title);
    const id = new URL(page.url()).pathname.split('/').pop();
    const details = await page.textContent('main');
    assert.match(details, /Jumlah jerat\s*3/);
    assert.match(details, /Kawat/);
    assert.match(details, /Laporan tersimpan/);

    // The list, searched by the title, shows it.
    await page.goto(`${env.base}/laporan?q=${encodeURIComponent(title)}`);
    const link = page.locator(`a[href="/laporan/${id}"]`);
    assert.equal(await link.count(), 1);
    assert.equal((await link.textContent()).trim(), title);
    await page.goto(`${env.base}/laporan`);
    await shot(page, 'list');

    // The map fetches the reports in view; the new one is a marker with its popup. Zoomed
    // in on its place (the view the address names), it is a pin of its own rather than
    // part of a cluster.
    await page.goto(`${env.base}/peta#peta=16/${lat}/${lon}`);
    const marker = page.locator(`[data-report-id="${id}"]`);
    await marker.waitFor({ state: 'attached', timeout: 30_000 });
    await shot(page, 'map');
    await marker.dispatchEvent('click');
    const popup = page.locator('.leaflet-popup-content');
    await popup.waitFor({ timeout: 10_000 });
    assert.match(await popup.textContent(), new RegExp(title));
    assert.equal(await popup.locator(`a[href="/laporan/${id}"]`).count(), 1);

    // The language switch turns the same page into English and back.
    await Promise.all([page.waitForURL(`${env.base}/peta`), page.click('a.bahasa')]);
    assert.match(await page.textContent('nav.menu'), /Reports/);
    await Promise.all([page.waitForURL(`${env.base}/peta`), page.click('a.bahasa')]);
    assert.match(await page.textContent('nav.menu'), /Laporan/);

    assert.deepEqual(problems, [], 'no script errors or blocked resources');
  } catch (e) {
    if (SHOTS) {
      await page.screenshot({ path: path.join(SHOTS, 'ui-failure.png'), fullPage: true }).catch(() => {});
    }
    throw e;
  } finally {
    await context.close();
  }
});
