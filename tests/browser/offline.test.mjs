// The phone app without a network, in a real Chromium with a profile on disk (so the
// service worker and IndexedDB survive closing the browser): a ranger signs in, opens
// the pages he needs in the field, loses the network, records three reports (one with a
// photo) and a short patrol from a simulated GPS, edits a report that the office changes
// meanwhile, reloads, closes and reopens the browser, and gets the network back. Then
// exactly those records are on the server, once each; the edit shows both versions and
// the one he keeps is saved. A report sent again is the same record; one with the same
// id and other content is refused with the server's words and kept. Last, a Kawal Desa
// sighting made offline is sent by itself when the network returns.
//
// Run from the repository root: `node --test tests/browser/offline.test.mjs` (see
// harness.mjs for the environment).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { useServer, CHROMIUM_ARGS, PASSWORD, signIn, shot, watchProblems } from './harness.mjs';

const env = useServer();
const PHOTO = readFileSync(new URL('../../crates/web/static/icon-192.png', import.meta.url));
// Near Sungai Penuh, Kerinci.
const START = { longitude: 101.3912, latitude: -2.0621 };

async function api(base, token, method, p, body, headers = {}) {
  const r = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, json, etag: r.headers.get('etag') };
}

async function token(base, username) {
  const r = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).token;
}

function day(offset) {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

function launch(dir) {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 360, height: 740 },
    locale: 'id-ID',
    geolocation: START,
    permissions: ['geolocation'],
  });
}

/** The outbox as the page's script sees it. */
function outbox(page) {
  return page.evaluate(() => window.SinergiOutbox.all().then((items) => items.map((i) => ({
    seq: i.seq, id: i.id, kind: i.kind, state: i.state, label: i.label, reason: i.reason, body: i.body,
  }))));
}

/** Fills and saves the new-report form while offline; the page says it was kept. */
async function offlineReport(page, title, withPhoto) {
  await page.selectOption('select#type', 'wildlife_sighting');
  await page.selectOption('#attr-species', 'harimau_sumatera');
  await page.fill('#title', title);
  await page.fill('#lon', '101.3921');
  await page.fill('#lat', '-2.0633');
  if (withPhoto) {
    await page.setInputFiles('#foto-galeri', { name: 'jejak.png', mimeType: 'image/png', buffer: PHOTO });
  }
  await page.click('form.laporan-form button.tombol.utama');
  await page.waitForSelector('#luring-pesan.sukses:not([hidden])');
}

test('records made offline reach the server once each, and a conflicting edit shows both versions', async () => {
  const base = env.base;
  const ranger = await token(base, 'ranger.tnks');
  const office = await token(base, 'koordinator.tnks');
  const patrol = await api(base, office, 'POST', '/api/v1/patrols', {
    title: 'Patroli rekam ponsel', mandate: 'forest_security', transport: 'foot',
    planned_start: day(-1), planned_end: day(1), sensitivity: 'internal',
    members: [{ agency: 'BBTNKS', user: 'ranger.tnks', role: 'leader' }],
  });
  assert.equal(patrol.status, 201, JSON.stringify(patrol.json));
  const patrolId = patrol.json.id;
  const edited = await api(base, ranger, 'POST', '/api/v1/reports', {
    type: 'Feature', geometry: { type: 'Point', coordinates: [101.40, -2.07] },
    properties: {
      type: 'wildlife_sighting', title: 'Jejak harimau di Ladeh', occurred_at: new Date().toISOString(),
      sensitivity: 'internal', attributes: { species: 'harimau_sumatera' },
    },
  });
  assert.equal(edited.status, 201);
  const editedId = edited.json.id;

  const dir = mkdtempSync(path.join(tmpdir(), 'sinergi-profile-'));
  let context = await launch(dir);
  try {
    let page = context.pages()[0] || await context.newPage();
    let watch = watchProblems(page);
    await signIn(page, base, 'ranger.tnks');
    await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    // The pages of the day, opened once with the network: they are kept for offline use.
    for (const p of ['/laporan/baru', `/laporan/${editedId}/ubah`, `/patroli/${patrolId}/rekam`, '/kirim']) {
      await page.goto(`${base}${p}`);
    }

    await context.setOffline(true);
    await page.goto(`${base}/laporan/baru`);
    await offlineReport(page, 'Ponsel 1: harimau melintas dengan foto', true);
    await offlineReport(page, 'Ponsel 2: jejak harimau', false);
    await page.reload();
    await offlineReport(page, 'Ponsel 3: cakaran di pohon', false);
    await page.waitForFunction(() => document.getElementById('antrian-kirim').textContent === 'menunggu dikirim (3)');
    await shot(page, 'offline-form', true);

    // A short patrol: start, a waypoint, positions from the simulated GPS, stop.
    await page.goto(`${base}/patroli/${patrolId}/rekam`);
    await page.waitForSelector('#rekam-mulai:not([disabled])');
    await page.click('#rekam-mulai');
    const count = () => page.evaluate(() => Number((document.getElementById('rekam-titik').textContent.match(/^\d+/) || ['0'])[0]));
    // Walks to the i-th position; the emulated GPS is moved again until the page has it.
    const walkTo = async (i) => {
      const before = await count();
      for (let tries = 0; tries < 40 && (await count()) <= before; tries += 1) {
        await context.setGeolocation({
          longitude: START.longitude + i * 0.0001 + tries * 0.00001,
          latitude: START.latitude + i * 0.00007,
        });
        await page.waitForTimeout(250);
      }
      assert.ok((await count()) > before, `position ${i} was recorded`);
    };
    for (let i = 1; i <= 5; i += 1) {
      await walkTo(i);
      if (i === 2) {
        await page.fill('#rekam-nama', 'Bekas cakaran');
        await page.click('#rekam-titik-simpan');
        await page.waitForSelector('#rekam-pesan.sukses');
      }
      if (i === 4) {
        // A waypoint with a photo becomes a report of the chosen type.
        await page.fill('#rekam-nama', 'Tunggul pohon baru ditebang');
        await page.selectOption('#rekam-jenis', 'illegal_logging');
        await page.setInputFiles('#rekam-foto', { name: 'tunggul.png', mimeType: 'image/png', buffer: PHOTO });
        await page.click('#rekam-titik-simpan');
        await page.waitForFunction(() => /· 2 titik penanda/.test(document.getElementById('rekam-titik').textContent));
      }
    }
    const recorded = Number((await page.textContent('#rekam-titik')).match(/^\d+/)[0]);
    // A reload mid-patrol loses nothing.
    await page.reload();
    await page.waitForFunction((n) => Number((document.getElementById('rekam-titik').textContent.match(/^\d+/) || ['0'])[0]) >= n, recorded);
    await page.click('#rekam-jeda');
    await page.click('#rekam-selesai');
    await page.waitForFunction(() => document.getElementById('rekam-status').textContent.includes('kotak keluar'));

    // The report is changed offline; the office changes it meanwhile.
    await page.goto(`${base}/laporan/${editedId}/ubah`);
    await page.fill('#title', 'Judul versi ponsel');
    await page.click('form.laporan-form button.tombol.utama');
    await page.waitForSelector('#luring-pesan.sukses:not([hidden])');
    const officeEdit = await api(base, office, 'PATCH', `/api/v1/reports/${editedId}`,
      { properties: { title: 'Judul versi kantor' } }, { 'if-match': '"1"' });
    assert.equal(officeEdit.status, 200, JSON.stringify(officeEdit.json));

    await page.reload();
    await page.waitForFunction(() => document.getElementById('antrian-kirim').textContent === 'menunggu dikirim (6)');
    assert.deepEqual(watch.problems, []);

    // Closed and opened again, still offline: everything is still there.
    await context.close();
    context = await launch(dir);
    await context.setOffline(true);
    page = context.pages()[0] || await context.newPage();
    watch = watchProblems(page);
    // The office's change makes the edit a 412; the same id with other content a 409.
    watch.allow(412, `/api/v1/reports/${editedId}`);
    watch.allow(409, '/api/v1/reports');
    await page.goto(`${base}/kirim`);
    await page.waitForSelector('#antrian .antrian-daftar');
    assert.equal(await page.locator('#antrian [data-state="waiting"]').count(), 6);

    // The network returns. Closing the browser ended the session (its cookie lives as
    // long as the browser): the outbox says so and keeps everything for the next sign-in,
    // after which the pages send it by themselves.
    await context.setOffline(false);
    await page.waitForSelector('#antrian-masuk:not([hidden])');
    assert.equal(await page.locator('#antrian [data-state="waiting"]').count(), 6);
    await signIn(page, base, 'ranger.tnks');
    await page.goto(`${base}/kirim`);
    await page.waitForFunction(() => document.querySelectorAll('#antrian [data-state="waiting"]').length === 0
      && document.querySelectorAll('#antrian [data-state]').length === 6, null, { timeout: 60_000 });
    assert.equal(await page.locator('#antrian [data-state="sent"]').count(), 5);
    assert.equal(await page.locator('#antrian [data-state="conflict"]').count(), 1);
    // Both versions, side by side.
    const conflict = page.locator('#antrian [data-state="conflict"]');
    assert.match(await conflict.locator('.versi-saya').first().textContent(), /Judul versi ponsel/);
    assert.match(await conflict.locator('.versi-server').first().textContent(), /Judul versi kantor/);
    await shot(page, 'offline-conflict', true);
    await conflict.locator('button.pakai-saya').click();
    await page.waitForFunction(() => document.querySelectorAll('#antrian [data-state="sent"]').length === 6);
    const after = await api(base, ranger, 'GET', `/api/v1/reports/${editedId}`);
    assert.equal(after.json.properties.title, 'Judul versi ponsel');
    assert.equal(after.json.properties.version, 3);

    // On the server: each report once, the photo once, the track as one leg.
    const items = await outbox(page);
    const reports = items.filter((i) => i.kind === 'report' && i.label.startsWith('Ponsel'));
    assert.equal(reports.length, 3);
    const stump = items.find((i) => i.kind === 'report' && i.label === 'Tunggul pohon baru ditebang');
    const stumpReport = await api(base, ranger, 'GET', `/api/v1/reports/${stump.id}`);
    assert.equal(stumpReport.json.properties.type, 'illegal_logging');
    assert.equal((await api(base, ranger, 'GET', `/api/v1/reports/${stump.id}/attachments`)).json.attachments.length, 1);
    for (const r of reports) {
      const found = await api(base, ranger, 'GET', `/api/v1/reports?q=${encodeURIComponent('Ponsel')}&limit=100`);
      assert.equal(found.json.features.filter((f) => f.properties.title === r.label).length, 1, r.label);
      const one = await api(base, ranger, 'GET', `/api/v1/reports/${r.id}`);
      assert.equal(one.status, 200);
    }
    const withPhoto = reports.find((r) => r.label.startsWith('Ponsel 1'));
    const atts = await api(base, ranger, 'GET', `/api/v1/reports/${withPhoto.id}/attachments`);
    assert.equal(atts.json.attachments.length, 1);
    const p = await api(base, ranger, 'GET', `/api/v1/patrols/${patrolId}`);
    assert.equal(p.json.legs.length, 1, JSON.stringify(p.json.legs));
    assert.ok(p.json.legs[0].points >= recorded, `${p.json.legs[0].points} points of ${recorded}`);

    // Sent twice: the same record, nothing new. Same id, other content: refused, kept.
    // The two go together in one batch, each answered on its own.
    const batch = page.waitForResponse((r) => r.url().endsWith('/api/v1/reports/batch') && r.status() === 200);
    const again = await page.evaluate(async (body) => {
      await window.SinergiOutbox.add({ kind: 'report', user: 'ranger.tnks', label: 'lagi', body, photos: [] });
      const changed = JSON.parse(JSON.stringify(body));
      changed.properties.title = 'Isi lain dengan id yang sama';
      await window.SinergiOutbox.add({ kind: 'report', user: 'ranger.tnks', label: 'beda', body: changed, photos: [] });
      await window.SinergiOutbox.sendAll();
      return window.SinergiOutbox.all();
    }, withPhoto.body);
    const answer = await (await batch).json();
    assert.deepEqual(answer.results.map((r) => r.status), [200, 409]);
    const last = again.slice(-2);
    assert.equal(last[0].state, 'sent');
    assert.equal(last[1].state, 'failed');
    assert.ok(last[1].reason.length > 0, 'the refusal has the server\'s words');
    const found = await api(base, ranger, 'GET', `/api/v1/reports?q=${encodeURIComponent('Ponsel')}&limit=100`);
    assert.equal(found.json.features.filter((f) => f.properties.title.startsWith('Ponsel ')).length, 3);
    assert.equal(found.json.features.filter((f) => f.properties.title.startsWith('Isi lain')).length, 0);
    await page.reload();
    await page.waitForSelector('#antrian [data-state="failed"] .antrian-alasan');
    // Tried again, it is refused again for the same reason, and still kept.
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/reports') && r.status() === 409),
      page.click('#antrian [data-state="failed"] button.ulang'),
    ]);
    await page.waitForFunction(() => window.SinergiOutbox.all().then((items) =>
      items.filter((i) => i.state === 'failed' && i.reason).length === 1 && !items.some((i) => i.state === 'waiting')));
    await page.waitForSelector('#antrian [data-state="failed"] .antrian-alasan');

    // Kawal Desa without a network: elephants, how many, the GPS, a photo; waiting, and
    // sent by itself when the network returns (the browser's `online` event).
    await page.goto(`${base}/kawal-desa`);
    await context.setOffline(true);
    await page.reload();
    await page.check('input[name="apa"][value="elephant"]');
    await page.fill('#kd-jumlah', '3');
    await page.click('#kd-gps');
    await page.waitForFunction(() => document.getElementById('kd-lon').value !== '');
    await page.setInputFiles('#kd-foto', { name: 'gajah.png', mimeType: 'image/png', buffer: PHOTO });
    await page.click('#kd-kirim');
    await page.waitForSelector('#kd-daftar [data-state="waiting"]');
    await shot(page, 'offline-kawal-desa', true);
    await context.setOffline(false);
    await page.waitForSelector('#kd-daftar [data-state="sent"]', { timeout: 30_000 });
    const kd = (await outbox(page)).find((i) => i.label === 'Gajah terlihat (3 ekor)');
    const sighting = await api(base, ranger, 'GET', `/api/v1/reports/${kd.id}`);
    assert.equal(sighting.status, 200);
    assert.equal(sighting.json.properties.type, 'wildlife_sighting');
    assert.deepEqual(sighting.json.properties.attributes, { species: 'gajah_sumatera', count: 3, evidence: 'direct' });
    assert.equal((await api(base, ranger, 'GET', `/api/v1/reports/${kd.id}/attachments`)).json.attachments.length, 1);
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
