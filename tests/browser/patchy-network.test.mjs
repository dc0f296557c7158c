// A report form posted on a signal that drops while the browser still believes it is
// online (the Jambi team's unstable mobile network): the post never arrives, the browser
// shows its own error, and nothing is lost — the phone kept a copy under the form's id,
// and the next page that opens sends it. A post that does arrive leaves no copy behind,
// and a report is never stored twice.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn } from './harness.mjs';

const env = useServerAndBrowser();

async function fill(page, title) {
  await page.goto(`${env.base}/laporan/baru`);
  await page.selectOption('#type', 'snare_found');
  await page.waitForSelector('input[name="attr.snare_count"]');
  await page.fill('input[name="attr.snare_count"]', '2');
  await page.fill('#title', title);
  await page.waitForSelector('#peta-pilih.leaflet-container');
  await page.click('#peta-pilih');
  await page.waitForFunction(() => document.getElementById('lon').value !== '');
  return page.inputValue('input[name="id"]');
}

async function stored(page, title) {
  return page.evaluate(async (t) => {
    const r = await fetch('/api/v1/reports?limit=1000', { credentials: 'same-origin' });
    const fc = await r.json();
    return fc.features.filter((f) => f.properties.title === t).map((f) => f.id);
  }, title);
}

test('a report posted as the signal drops is sent from the phone, once', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  try {
    await signIn(page, env.base, 'ranger.tnks');

    // The post is lost on the way: the browser shows an error page.
    const lost = `Jerat sinyal putus ${Date.now()}`;
    const id = await fill(page, lost);
    await page.route('**/laporan/baru', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()));
    await page.click('form.laporan-form button[type="submit"]:not([name])').catch(() => {});
    await page.waitForTimeout(1000);
    await page.unroute('**/laporan/baru');
    // The next page sends the kept copy; the report is there once, under the form's id.
    await page.goto(`${env.base}/`);
    await page.waitForFunction(async (t) => {
      const r = await fetch('/api/v1/reports?limit=1000', { credentials: 'same-origin' });
      return (await r.json()).features.some((f) => f.properties.title === t);
    }, lost, { timeout: 30_000 });
    assert.deepEqual(await stored(page, lost), [id]);

    // A post that arrives leaves no copy: the outbox stays empty and the report is one.
    const arrived = `Jerat sinyal baik ${Date.now()}`;
    const id2 = await fill(page, arrived);
    await Promise.all([
      page.waitForURL(/\/laporan\/[0-9a-f-]{36}\?pesan=dibuat$/),
      page.click('form.laporan-form button[type="submit"]:not([name])'),
    ]);
    await page.goto(`${env.base}/kirim`);
    await page.waitForTimeout(1000);
    assert.deepEqual(await stored(page, arrived), [id2]);
    const left = await page.evaluate(() => SinergiOutbox.all().then((items) => items.filter((i) => i.state !== 'sent').length));
    assert.equal(left, 0, 'no copy waits after a post that arrived');
  } finally {
    await context.close();
  }
});
