// A form filled in the phone app without a network, in a real Chromium with a profile on
// disk: a Kerinci Seblat ranger opens the Pokja's quarterly patrol report once with a
// signal, loses it, opens the list of forms and the form again (from the phone), fills
// Merangin's missing quarter and saves it; the outbox keeps it. When the network
// returns it is sent by itself, once, and the campaign counts it: one more report
// received, Merangin's quarter answered (late). The map its first question shows (the
// form's media file) is there offline too.
//
// Run from the repository root: `node --test tests/browser/form-offline.test.mjs` (see
// harness.mjs for the environment). With SCREENSHOT_DIR set, it saves form-offline-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useServer, CHROMIUM_ARGS, signIn, shot, watchProblems, apiToken, apiGet } from './harness.mjs';

const env = useServer();


function merangin(campaign) {
  return campaign.units.find((u) => u.unit.region === '15.02').cells;
}

test('a form filled offline in the phone app is sent when the network returns and counted', async () => {
  const base = env.base;
  const ranger = await apiToken(base, 'ranger.tnks');
  const form = (await apiGet(base, ranger, '/api/v1/forms')).forms.find((f) => f.form_id === 'patroli_triwulan_tnks');
  assert.ok(form, 'the Pokja\'s patrol report');
  const campaignId = (await apiGet(base, ranger, '/api/v1/campaigns')).campaigns[0].id;
  const before = await apiGet(base, ranger, `/api/v1/campaigns/${campaignId}`);
  const missing = merangin(before).find((c) => c.state === 'missing');
  assert.ok(missing, 'a quarter Merangin has not answered');

  const dir = mkdtempSync(path.join(tmpdir(), 'sinergi-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 360, height: 740 },
    locale: 'id-ID',
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const watch = watchProblems(page);
    await signIn(page, base, 'ranger.tnks');
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 90_000 });
    // Opened once with a signal: the form and the outbox are kept on the phone.
    const fill = `${base}/formulir/${form.id}/isi`;
    await page.goto(`${base}/formulir`);
    await page.goto(fill);
    await page.waitForSelector('#form-isi');
    const mapShown = () => page.waitForFunction(() => {
      const img = document.querySelector('#form-isi .isian-media img');
      return img !== null && img.complete && img.naturalWidth > 0;
    }, null, { timeout: 30_000 });
    await mapShown();
    await page.goto(`${base}/kirim`);

    // Without a signal: the list of forms, then the form from it, open from the phone.
    await context.setOffline(true);
    await page.goto(`${base}/formulir`);
    await Promise.all([
      page.waitForURL(fill),
      page.click(`a.tautan-isi[href="/formulir/${form.id}/isi"]`),
    ]);
    await page.waitForSelector('#form-isi');
    await mapShown();
    await page.check('input[name="a:kabupaten"][value="15.02"]');
    await page.fill('input[name="a:triwulan"]', missing.period);
    await page.fill('input[name="a:patroli"]', '5');
    await page.fill('input[name="a:jerat"]', '12');
    await page.fill('input[name="a:catatan"]', 'Diisi tanpa sinyal di Sungai Manau');
    await shot(page, 'form-offline-fill', true);
    await page.click('#form-isi button[type="submit"]');
    await page.waitForSelector('#pesan-isi.sukses:not([hidden])');
    assert.equal(await page.inputValue('input[name="a:triwulan"]'), '', 'the form is ready for the next one');
    const waiting = await page.evaluate(() => window.SinergiOutbox.all().then((items) =>
      items.filter((i) => i.kind === 'form').map((i) => ({ state: i.state, body: i.body }))));
    assert.equal(waiting.length, 1);
    assert.equal(waiting[0].state, 'waiting');
    assert.deepEqual(waiting[0].body.answers, {
      kabupaten: '15.02', triwulan: missing.period, patroli: '5', jerat: '12', catatan: 'Diisi tanpa sinyal di Sungai Manau',
    });
    await page.goto(`${base}/kirim`);
    await page.waitForSelector('#antrian [data-kind="form"][data-state="waiting"]');
    await shot(page, 'form-offline-outbox', true);
    const still = await apiGet(base, ranger, `/api/v1/campaigns/${campaignId}`);
    assert.equal(still.overall.received, before.overall.received, 'nothing reached the server yet');

    // The signal returns: the outbox sends it by itself.
    await context.setOffline(false);
    await page.waitForSelector('#antrian [data-kind="form"][data-state="sent"]', { timeout: 60_000 });
    const after = await apiGet(base, ranger, `/api/v1/campaigns/${campaignId}`);
    assert.equal(after.overall.received, before.overall.received + 1);
    const cell = merangin(after).find((c) => c.period === missing.period);
    assert.equal(cell.state, 'late');
    const list = await apiGet(base, ranger, `/api/v1/forms/${form.id}/submissions?source=app`);
    assert.equal(list.total, 1, 'sent once');
    assert.equal(list.submissions[0].data.catatan, 'Diisi tanpa sinyal di Sungai Manau');

    // The campaign's page shows the quarter answered.
    await page.goto(`${base}/kampanye/${campaignId}`);
    const shown = page.locator('#tabel-kampanye tr[data-wilayah="15.02"] td.sel-kampanye[data-keadaan="late"]');
    assert.ok(await shown.count() >= 1);
    await shot(page, 'form-offline-campaign', true);
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
