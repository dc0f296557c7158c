// A real-browser test of forms on a phone-sized screen: a BNNP Jambi coordinator opens the
// forms page through the menu, links a phone for ODK Collect and sees its QR code and
// server URL once (the page still fits the phone), then revokes it, all without a script
// error.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs for the
// environment). With SCREENSHOT_DIR set, it saves 360×740 screenshots named forms-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems, openMenu } from './harness.mjs';

const env = useServerAndBrowser();

test('a phone is linked for ODK Collect with a QR code, then revoked, on a phone', async () => {
  const base = env.base;
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, base, 'koordinator.bnnp.jambi');
    await openMenu(page);
    await Promise.all([page.waitForURL(`${base}/formulir`), page.click('#tautan-formulir')]);
    assert.ok(await page.locator('#form-unggah-formulir').isVisible(), 'a coordinator may upload');
    await Promise.all([page.waitForURL(`${base}/formulir/perangkat`), page.click('#tautan-perangkat')]);
    await page.fill('#nama-perangkat', 'HP lapangan Muaro Jambi');
    await Promise.all([page.waitForLoadState('load'), page.click('#form-perangkat button[type="submit"]')]);
    await page.locator('#qr-collect svg').waitFor();
    assert.match(await page.textContent('#alamat-server'), /\/openrosa\/key\/[0-9a-f]{64}$/);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.equal(sideways, 0, 'the long URL wraps on the phone');
    await shot(page, 'forms-device', true);

    // Shown once: not on the page read again; revoked from the list.
    await page.goto(`${base}/formulir/perangkat`);
    assert.equal(await page.locator('#alamat-server').count(), 0, 'the URL is shown once');
    const row = page.locator('#daftar-perangkat tr', { hasText: 'HP lapangan Muaro Jambi' });
    await Promise.all([page.waitForURL(`${base}/formulir/perangkat`), row.locator('button[type="submit"]').click()]);
    assert.match(await row.textContent(), /Dicabut/);
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});
