// The main pages on a 360 × 740 phone screen: the header's menu folds into one row (and
// opens without JavaScript too), no field is wider than the screen or narrower than its
// own content (a date-time that shows all its parts), every tap target on the home page
// and the report list is at least 24 × 24 CSS pixels (WCAG 2.5.8), the report list is
// a short page with working next and previous links, and the map clusters its pins.
//
// Run from the repository root: `node --test tests/browser/phone-layout.test.mjs` (see
// harness.mjs for CHROMIUM, SINERGI_BIN and SCREENSHOT_DIR).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems } from './harness.mjs';

const env = useServerAndBrowser();
const PHONE = { viewport: { width: 360, height: 740 }, locale: 'id-ID' };

/**
 * Every visible tap target smaller than 24 × 24 px: links, buttons, fields, summaries;
 * a checkbox or radio button with a label counts as its label (the label is tappable).
 */
function smallTargets(page) {
  return page.evaluate(() => {
    const targets = [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
      .filter((e) => e.type !== 'hidden')
      .filter((e) => !((e.type === 'checkbox' || e.type === 'radio') && e.labels && e.labels.length));
    for (const l of document.querySelectorAll('label')) {
      const c = l.control;
      if (c && (c.type === 'checkbox' || c.type === 'radio')) {
        targets.push(l);
      }
    }
    return targets
      .map((e) => [e, e.getBoundingClientRect()])
      .filter(([e, r]) => r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden')
      .filter(([, r]) => r.width < 24 || r.height < 24)
      .map(([e, r]) => `${e.tagName.toLowerCase()} "${(e.textContent || e.name || '').trim().slice(0, 40)}" ${r.width.toFixed(1)}×${r.height.toFixed(1)}`);
  });
}

/**
 * Fields that do not fit: wider than the screen, or narrower than their own content (a
 * date or date-time field then clips its time). The natural width is that of a copy of
 * the field laid out with `width: auto` beside it.
 */
function badFields(page) {
  return page.evaluate(() => {
    const out = [];
    if (document.documentElement.scrollWidth > window.innerWidth) {
      out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px`);
    }
    for (const e of document.querySelectorAll('input, select, textarea')) {
      const r = e.getBoundingClientRect();
      if (e.type === 'hidden' || r.width === 0) {
        continue;
      }
      const name = e.id || e.name;
      if (r.left < 0 || r.right > window.innerWidth) {
        out.push(`${name} overflows: ${r.left.toFixed(0)}–${r.right.toFixed(0)}`);
      }
      if (['date', 'datetime-local', 'time'].includes(e.type)) {
        const probe = e.cloneNode(false);
        probe.removeAttribute('id');
        probe.style.cssText = 'position:absolute;visibility:hidden;width:auto;min-width:0;max-width:none;flex:none;';
        e.parentNode.insertBefore(probe, e);
        const natural = probe.getBoundingClientRect().width;
        probe.remove();
        if (r.width + 0.5 < natural) {
          out.push(`${name} is clipped: ${r.width.toFixed(0)} px of ${natural.toFixed(0)}`);
        }
      }
    }
    return out;
  });
}

test('the menu is one row on a phone and opens, with and without JavaScript', async () => {
  for (const javaScriptEnabled of [true, false]) {
    const context = await env.browser.newContext({ ...PHONE, javaScriptEnabled });
    const page = await context.newPage();
    try {
      await signIn(page, env.base, 'admin.tnks');
      const nav = page.locator('header nav.menu');
      const closed = await nav.boundingBox();
      assert.ok(closed.height <= 48, `the closed menu is one row (${closed.height} px, JS ${javaScriptEnabled})`);
      assert.equal(await page.locator('nav.menu a[href="/admin/audit"]').isVisible(), false, 'links folded away');
      assert.ok(await page.locator('nav.menu a.baru-ponsel').isVisible(), 'new report stays one tap away');
      await page.click('#menu-lipat > summary');
      assert.ok(await page.locator('nav.menu a[href="/admin/audit"]').isVisible(), 'the menu opens');
      assert.deepEqual(await smallTargets(page), [], 'the open menu has big targets');
      await shot(page, `tata-menu-terbuka${javaScriptEnabled ? '' : '-tanpa-js'}`);
      await Promise.all([page.waitForURL(`${env.base}/admin/audit`), page.click('nav.menu a[href="/admin/audit"]')]);
    } finally {
      await context.close();
    }
  }
  // A wide screen shows the links in the header, without the button.
  const context = await env.browser.newContext({ viewport: { width: 1024, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  try {
    await signIn(page, env.base, 'admin.tnks');
    assert.equal(await page.locator('#menu-lipat > summary').isVisible(), false);
    assert.ok(await page.locator('nav.menu a[href="/admin/audit"]').isVisible());
    assert.ok(await page.locator('nav.menu a.baru-lebar').isVisible());
    assert.equal(await page.locator('nav.menu a.baru-ponsel').isVisible(), false, 'no second copy');
  } finally {
    await context.close();
  }
});

test('phone pages: fields fit, tap targets are big enough, the list pages and the map clusters', async () => {
  const context = await env.browser.newContext(PHONE);
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, env.base, 'ranger.tnks');

    // Home.
    assert.deepEqual(await smallTargets(page), [], 'home page targets');
    assert.deepEqual(await badFields(page), []);
    await shot(page, 'tata-beranda');

    // The new-report form: the date-time shows all of itself.
    await page.goto(`${env.base}/laporan/baru`);
    assert.deepEqual(await badFields(page), [], 'report form fields');
    assert.deepEqual(await smallTargets(page), [], 'report form targets');
    await page.locator('#occurred_local').scrollIntoViewIfNeeded();
    await shot(page, 'tata-formulir');

    // The report list: twenty short cards, then the next page and back.
    await page.goto(`${env.base}/laporan`);
    assert.deepEqual(await smallTargets(page), [], 'report list targets');
    const cards = await page.locator('table.daftar-laporan tbody tr').count();
    assert.equal(cards, 20, 'twenty reports a page');
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(height < 4000, `the list page is ${height} px tall`);
    const first = await page.locator('td.judul-sel a').first().getAttribute('href');
    await page.click('summary:has-text("Saring")');
    assert.deepEqual(await badFields(page), [], 'filter fields');
    assert.deepEqual(await smallTargets(page), [], 'filter targets');
    await shot(page, 'tata-daftar');
    await Promise.all([page.waitForURL(/cursor=/), page.click('#halaman-berikutnya')]);
    assert.equal(await page.locator('table.daftar-laporan tbody tr').count(), 20);
    assert.notEqual(await page.locator('td.judul-sel a').first().getAttribute('href'), first, 'another page');
    assert.deepEqual(await smallTargets(page), [], 'second page targets');
    await Promise.all([page.waitForURL(/\/laporan(\?|$)/), page.click('#halaman-sebelumnya')]);
    assert.equal(await page.locator('td.judul-sel a').first().getAttribute('href'), first, 'back on the first page');

    // A report page.
    await page.goto(`${env.base}${first}`);
    assert.deepEqual(await badFields(page), [], 'report page fields');
    assert.deepEqual(await smallTargets(page), [], 'report page targets');

    // The map of all Indonesia draws clusters, not 170 overlapping pins.
    await page.goto(`${env.base}/peta`);
    await page.waitForSelector('#peta[data-loaded]:not([data-loaded="0"])');
    await page.waitForSelector('#peta .marker-cluster');
    const clusters = await page.locator('#peta .marker-cluster').count();
    const pins = await page.locator('#peta .leaflet-marker-icon:not(.marker-cluster)').count();
    const loaded = Number(await page.getAttribute('#peta', 'data-loaded'));
    assert.ok(clusters > 0, 'clusters');
    assert.ok(pins + clusters < loaded / 4, `${pins} pins and ${clusters} clusters for ${loaded} reports`);
    await shot(page, 'tata-peta');
    // Tapping a cluster zooms in on what it holds, and the view is kept in the address.
    const zoomBefore = await page.evaluate(() => location.hash);
    await page.locator('#peta .marker-cluster').first().click();
    await page.waitForFunction((h) => /^#peta=/.test(location.hash) && location.hash !== h, zoomBefore);

    assert.deepEqual(watch.problems, [], 'no script errors or failed requests');
  } finally {
    await context.close();
  }
});

test('the date-time fits on the common phone widths, in both languages', async () => {
  for (const width of [320, 360, 393, 412, 428]) {
    const context = await env.browser.newContext({ viewport: { width, height: 800 }, locale: 'id-ID' });
    const page = await context.newPage();
    try {
      await signIn(page, env.base, 'ranger.tnks');
      for (const lang of ['id', 'en']) {
        await page.goto(`${env.base}/bahasa?ke=${lang}&kembali=/laporan/baru`);
        assert.deepEqual(await badFields(page), [], `${width} px, ${lang}`);
        const nav = await page.locator('header nav.menu').boundingBox();
        assert.ok(nav.height <= 48, `one menu row at ${width} px, ${lang}`);
      }
    } finally {
      await context.close();
    }
  }
});
