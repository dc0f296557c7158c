// A real-browser test of early warning on a phone-sized screen. A coordinator sets up
// everything through the pages: an area drawn on the map (a self-crossing one pasted as
// GeoJSON is refused first, with the reason shown in Indonesian), a subject, a device
// deployed on it, and an "enter" rule for their own agency. With the alert board open in
// another tab, two fixes (outside, then inside the area) are posted to
// /api/v1/observations from the page; the board shows the alert live over Server-Sent
// Events without reloading, counts it in the title, and the coordinator responds with the
// big buttons and closes it with an outcome. The alert's page shows the response log and
// the time to respond. A browser without JavaScript acknowledges a second alert with the
// same plain forms.
//
// A second test finds a region by name for an area (picked from the matches offered while
// typing, and without JavaScript from the form's search step), saves it with Enter, is
// refused a second area of the same name, and modifies the saved area's shape by dragging
// a point on the map.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs for the
// environment). With SCREENSHOT_DIR set, it saves 360×740 screenshots named ui3-*.png.
// Nothing here depends on early-warning data in the demo: everything is made here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems } from './harness.mjs';

const env = useServerAndBrowser();

// The coordinator of Balai TN Way Kambas sets up; the demo's own early-warning data there
// (areas, rules, alerts) may raise alerts of their own, so alerts are found by this test's
// area name, never by position or count.
const COORDINATOR = 'koordinator.wk';
const AGENCY = 'BTNWK';

/** Posts fixes to the API from the page, with the session's CSRF token. */
async function postFixes(page, fixes) {
  return page.evaluate(async (body) => {
    const token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
    const r = await fetch('/api/v1/observations', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  }, fixes);
}

/**
 * Waits for the board card of the alert "… masuk <area>" and returns its alert id. Works
 * without JavaScript in the page too (the search runs in the test).
 */
async function cardOf(page, area, timeout = 5_000) {
  const until = Date.now() + timeout;
  for (;;) {
    for (const card of await page.$$('.kartu-peringatan')) {
      if ((await card.$eval('.kp-judul', (h) => h.textContent.trim())).endsWith(`masuk ${area}`)) {
        return card.getAttribute('data-alert-id');
      }
    }
    if (Date.now() > until) {
      throw new Error(`no card for an alert entering ${area}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function minutesAgo(m) {
  return new Date(Date.now() - m * 60_000).toISOString();
}

test('a coordinator sets up early warning and responds to a live alert', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const setup = await context.newPage();
  const watch = watchProblems(setup);
  const base = env.base;
  const stamp = Date.now();
  const areaName = `Area uji ${stamp}`;
  const subjectName = `Gajah uji ${stamp}`;
  const serial = `KALUNG-UJI-${stamp}`;
  const ruleName = `Gajah masuk area uji ${stamp}`;
  let board;
  let inside;
  let outside;
  try {
    await signIn(setup, base, COORDINATOR);
    assert.match(await setup.textContent('nav.menu'), /Peringatan dini/);

    // ---- an area: a self-crossing polygon is refused, a drawn one is saved ----
    await setup.goto(`${base}/peringatan/area`);
    assert.match(await setup.textContent('h1'), /Area pantauan/);
    await setup.check('input[name="cara"][value="geojson"]');
    assert.equal(await setup.isVisible('#bentuk'), true);
    assert.equal(await setup.isVisible('#a-cari-wilayah'), false, 'only the chosen way shows');
    await setup.fill('#a-nama', 'Area bersilang');
    const bowtie = { type: 'Polygon', coordinates: [[[101.3, -1.9], [101.4, -2.0], [101.4, -1.9], [101.3, -2.0], [101.3, -1.9]]] };
    await setup.fill('#bentuk', JSON.stringify(bowtie));
    watch.allow(422, '/peringatan/area');
    await setup.click('#form-area button.utama');
    await setup.waitForSelector('#ringkasan-galat');
    const refused = await setup.textContent('#ringkasan-galat');
    assert.match(refused, /Bentuk/);
    assert.match(refused, /garis batas area memotong dirinya sendiri/);
    assert.match(refused, /shape\.coordinates\[0\]/);
    assert.equal(await setup.inputValue('#a-nama'), 'Area bersilang', 'what was typed is kept');
    assert.match(await setup.textContent('#form-area .bagian-cara[data-cara="geojson"] .galat'), /memotong dirinya sendiri/);
    await shot(setup, 'ui3-area-refused');

    await setup.check('input[name="cara"][value="peta"]');
    await setup.waitForSelector('#peta-gambar.leaflet-container', { state: 'visible' });
    await setup.fill('#a-nama', areaName);
    await setup.selectOption('#a-jenis', 'village');
    for (const [x, y] of [[70, 60], [250, 60], [250, 200], [70, 200]]) {
      await setup.click('#peta-gambar', { position: { x, y } });
    }
    assert.match(await setup.textContent('#jumlah-titik'), /4 titik/);
    const drawn = JSON.parse(await setup.inputValue('#bentuk-peta'));
    assert.equal(drawn.type, 'Polygon');
    const ring = drawn.coordinates[0];
    assert.equal(ring.length, 5, 'four corners and the closing point');
    assert.deepEqual(ring[0], ring[4]);
    inside = {
      lon: ring.slice(0, 4).reduce((s, c) => s + c[0], 0) / 4,
      lat: ring.slice(0, 4).reduce((s, c) => s + c[1], 0) / 4,
    };
    outside = { lon: inside.lon - 1, lat: inside.lat };
    await shot(setup, 'ui3-area-draw');
    await Promise.all([
      setup.waitForURL(`${base}/peringatan/area?pesan=area`),
      setup.click('#form-area button.utama'),
    ]);
    assert.match(await setup.textContent('.daftar-area'), new RegExp(areaName));
    assert.match(await setup.textContent('.pesan.sukses'), /Area tersimpan/);

    // ---- a subject, a device, and the device deployed on the subject ----
    await setup.goto(`${base}/satwa`);
    assert.match(await setup.textContent('h1'), /Satwa dan perangkat/);
    await setup.fill('#s-nama', subjectName);
    await setup.selectOption('#s-spesies', 'gajah_sumatera');
    await Promise.all([setup.waitForURL(`${base}/satwa?pesan=satwa`), setup.click('#form-satwa button[type="submit"]')]);
    assert.match(await setup.textContent('.daftar-satwa'), new RegExp(subjectName));
    await setup.fill('#d-serial', serial);
    await Promise.all([setup.waitForURL(`${base}/satwa?pesan=perangkat`), setup.click('#form-perangkat button[type="submit"]')]);
    await setup.selectOption('#p-perangkat', serial);
    await setup.selectOption('#p-subjek', { label: `${subjectName} (Gajah sumatera)` });
    await Promise.all([setup.waitForURL(/\/satwa\?pesan=dipasang&n=\d+$/), setup.click('#form-pasang button[type="submit"]')]);
    assert.match(await setup.textContent('.pesan.sukses'), /Perangkat dipasang/);
    assert.match(await setup.textContent(`tr[data-serial="${serial}"]`), new RegExp(subjectName));
    assert.match(await setup.textContent('#posisi-tertahan'), /belum dikenal/, 'held fixes are explained');
    await shot(setup, 'ui3-satwa');

    // ---- a rule: the subject entering the area alerts the coordinator's own agency ----
    await setup.goto(`${base}/peringatan/aturan`);
    assert.match(await setup.textContent('h1'), /Aturan peringatan/);
    await setup.fill('#r-nama', ruleName);
    await setup.check(`#form-aturan label:has-text("${areaName}") input[name="pagar"]`);
    assert.equal(await setup.inputValue('#r-pemicu'), 'enter');
    assert.equal(await setup.isVisible('#r-jarak'), false, 'the distance belongs to proximity only');
    await setup.selectOption('#r-tingkat', 'critical');
    await setup.fill('#r-jeda', '0');
    assert.deepEqual(
      await setup.$$eval('#r-instansi option:checked', (os) => os.map((o) => o.value)),
      [AGENCY],
      'the own agency receives by default',
    );
    await Promise.all([setup.waitForURL(`${base}/peringatan/aturan?pesan=aturan`), setup.click('#form-aturan button[type="submit"]')]);
    const rules = await setup.textContent('.daftar-aturan');
    assert.match(rules, new RegExp(ruleName));
    assert.match(rules, /Masuk area/);
    assert.match(rules, new RegExp(areaName));
    await shot(setup, 'ui3-aturan');

    // ---- the board, open before anything happens ----
    board = await context.newPage();
    const boardWatch = watchProblems(board);
    await board.goto(`${base}/peringatan`);
    await board.waitForSelector('#daftar-peringatan[data-tersambung="1"]');
    await board.waitForSelector('#peta-peringatan[data-loaded="1"]');
    await board.evaluate(() => { window.belumDimuatUlang = true; });
    const title = await board.title();

    const first = await postFixes(setup, [{ device: serial, recorded_at: minutesAgo(8), lon: outside.lon, lat: outside.lat, battery: 80 }]);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.stored, 1, JSON.stringify(first.body));
    const second = await postFixes(setup, [{ device: serial, recorded_at: minutesAgo(6), lon: inside.lon, lat: inside.lat, battery: 79 }]);
    assert.equal(second.body.stored, 1, JSON.stringify(second.body));
    const raised = second.body.results[0].alerts || [];
    assert.ok(raised.length > 0, `the fix inside raised an alert: ${JSON.stringify(second.body)}`);

    // The alert arrives on the open board, without a reload.
    const alertId = await cardOf(board, areaName, 15_000);
    assert.ok(raised.includes(alertId), `${alertId} is one of ${raised}`);
    const card = `#peringatan-${alertId}`;
    assert.equal(await board.evaluate(() => window.belumDimuatUlang), true, 'the board was not reloaded');
    const headline = await board.textContent(`${card} .kp-judul`);
    assert.match(headline, new RegExp(`${subjectName} masuk ${areaName}`));
    assert.match(await board.textContent(`${card} .kp-waktu`), /WIB · baru saja|WIB · \d+ menit lalu/);
    assert.match(await board.textContent(`${card} .lencana.tingkat-critical`), /Kritis/);
    const counted = /^\((\d+)\) (.*)$/.exec(await board.title());
    assert.ok(counted && Number(counted[1]) >= 1 && counted[2] === title, 'the title counts the new alerts');
    assert.match(await board.getAttribute(card, 'class'), /baru/, 'the new card flashes');
    // On the map as its own marker, or counted in a cluster of alerts close together.
    await board.waitForSelector(`#peta-peringatan [data-alert-id="${alertId}"], #peta-peringatan [data-alert-ids~="${alertId}"]`, { state: 'attached' });
    await shot(board, 'ui3-papan-baru');

    // Respond with the big button, then close with an outcome.
    await Promise.all([board.waitForURL(`${base}/peringatan?pesan=ditanggapi`), board.click(`${card} form[data-langkah="tanggapi"] button`)]);
    assert.match(await board.textContent(`${card} .kp-kepala`), /Ditanggapi/);
    assert.equal(await board.$(`${card} form[data-langkah="tanggapi"]`), null, 'an acknowledged alert has no respond button');
    await board.click(`${card} .kp-lanjut summary`);
    await board.selectOption(`${card} select[name="outcome"]`, 'no_damage');
    await board.fill(`${card} .form-tutup textarea[name="note"]`, 'Gajah kembali ke hutan.');
    await shot(board, 'ui3-papan-tutup');
    await Promise.all([board.waitForURL(`${base}/peringatan?pesan=ditutup`), board.click(`${card} .form-tutup button`)]);
    assert.equal(await board.$(card), null, 'a closed alert leaves the board');
    await board.goto(`${base}/peringatan?tampil=ditutup`);
    assert.match(await board.textContent(card), /Tanpa kerusakan/);

    // The alert's page: what, where, when, rule, subject, log and response times.
    await board.goto(`${base}/peringatan/${alertId}`);
    assert.match(await board.textContent('h1'), new RegExp(`${subjectName} masuk ${areaName}`));
    const facts = await board.textContent('dl.sifat');
    assert.match(facts, new RegExp(ruleName));
    assert.match(facts, new RegExp(subjectName));
    assert.match(facts, /WIB/);
    assert.match(await board.textContent('#status-peringatan'), /Ditutup/);
    const log = await board.textContent('#log-tanggapan');
    assert.match(log, new RegExp(`${COORDINATOR} · Menanggapi`));
    assert.match(log, new RegExp(`${COORDINATOR} · Menutup: Tanpa kerusakan`));
    assert.match(log, /Gajah kembali ke hutan\./);
    assert.match(await board.textContent('#waktu-tanggap'), /menit/);
    assert.match(await board.textContent('#waktu-tutup'), /menit/);
    await board.waitForSelector('#peta-titik.leaflet-container');
    await shot(board, 'ui3-rincian', true);

    // The subject's page shows its track and the alert.
    await board.click(`dl.sifat a[href^="/satwa/"]`);
    await board.waitForSelector('#peta-jejak.leaflet-container');
    assert.match(await board.textContent('.daftar-ringkas-peringatan'), new RegExp(areaName));

    assert.deepEqual(watch.problems, []);
    assert.deepEqual(boardWatch.problems, []);
  } finally {
    await context.close();
  }

  // ---- without JavaScript: the same forms acknowledge and log an action ----
  const plain = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID', javaScriptEnabled: false });
  const helper = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  try {
    const poster = await helper.newPage();
    await signIn(poster, base, COORDINATOR);
    await poster.goto(`${base}/peringatan/area`);
    await postFixes(poster, [{ device: serial, recorded_at: minutesAgo(4), lon: outside.lon, lat: outside.lat }]);
    const again = await postFixes(poster, [{ device: serial, recorded_at: minutesAgo(2), lon: inside.lon, lat: inside.lat }]);
    assert.ok((again.body.results[0].alerts || []).length > 0, `entering again raised an alert: ${JSON.stringify(again.body)}`);

    const page = await plain.newPage();
    const watch = watchProblems(page);
    await signIn(page, base, COORDINATOR);
    await page.goto(`${base}/peringatan`);
    const secondId = await cardOf(page, areaName);
    const card = `#peringatan-${secondId}`;
    assert.match(await page.textContent(`${card} .kp-judul`), new RegExp(subjectName));
    await Promise.all([page.waitForURL(`${base}/peringatan?pesan=ditanggapi`), page.click(`${card} form[data-langkah="tanggapi"] button`)]);
    await page.click(`${card} .kp-lanjut summary`);
    await page.selectOption(`${card} select[name="action"]`, 'patrol_dispatched');
    await Promise.all([page.waitForURL(`${base}/peringatan?pesan=tindakan`), page.click(`${card} .form-tindakan button`)]);
    await page.goto(`${base}/peringatan/${secondId}`);
    assert.match(await page.textContent('#log-tanggapan'), /Patroli dikirim/);
    await shot(page, 'ui3-tanpa-js');
    assert.deepEqual(watch.problems, []);
  } finally {
    await plain.close();
    await helper.close();
  }
});

/** The fence the signed-in page's API answers for `id`. */
async function fenceOf(page, id) {
  return page.evaluate(async (fid) => {
    const r = await fetch(`/api/v1/fences/${fid}`, { credentials: 'same-origin' });
    return { status: r.status, etag: r.headers.get('etag'), body: await r.json() };
  }, id);
}

test('an area is found by region name, refused a second time, and its shape modified on the map', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  const base = env.base;
  const stamp = Date.now();
  const areaName = `Desa cari ${stamp}`;
  const plain = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID', javaScriptEnabled: false });
  try {
    await signIn(page, base, COORDINATOR);
    await page.goto(`${base}/peringatan/area`);
    assert.equal(await page.isVisible('#a-cari-wilayah'), true, 'by region is the first way');

    // Typing a name offers the matches with their level and where they lie.
    await page.fill('#a-cari-wilayah', 'Labuhan Ratu IX');
    await page.waitForSelector('#saran-wilayah [role="option"]', { state: 'visible' });
    const first = await page.textContent('#saran-wilayah [role="option"]');
    assert.match(first, /^Labuhan Ratu IX — desa\/kelurahan, Labuhan Ratu, Kabupaten Lampung Timur \(18\.07\.21\.2011\)$/);
    assert.equal(await page.getAttribute('#a-cari-wilayah', 'aria-expanded'), 'true');
    await shot(page, 'ui3-area-cari');
    await page.press('#a-cari-wilayah', 'ArrowDown');
    await page.press('#a-cari-wilayah', 'Enter');
    assert.equal(await page.inputValue('input[name="wilayah"]'), '18.07.21.2011');
    assert.match(await page.textContent('#wilayah-terpilih'), /Wilayah terpilih: Labuhan Ratu IX/);
    assert.equal(await page.inputValue('#a-cari-wilayah'), '', 'the search box is cleared');
    assert.equal(await page.isVisible('#saran-wilayah'), false);
    assert.equal(page.url(), `${base}/peringatan/area`, 'Enter in the search box saved nothing');

    // Enter in the name field saves.
    await page.fill('#a-radius', '1000');
    await page.fill('#a-nama', areaName);
    await Promise.all([page.waitForURL(`${base}/peringatan/area?pesan=area`), page.press('#a-nama', 'Enter')]);
    const row = page.locator('tr[data-fence-id]', { hasText: areaName });
    const id = await row.getAttribute('data-fence-id');
    const saved = await fenceOf(page, id);
    assert.equal(saved.body.properties.region_code, '18.07.21.2011');
    assert.equal(saved.etag, '"1"');

    // The same name again, with the region found through the search button and the mouse.
    await page.fill('#a-nama', areaName.toUpperCase());
    await page.fill('#a-cari-wilayah', 'labuhan ratu ix');
    await page.click('#tombol-cari-wilayah');
    await page.waitForSelector('#saran-wilayah [role="option"]', { state: 'visible' });
    await page.click('#saran-wilayah [role="option"] >> nth=0');
    assert.equal(await page.inputValue('input[name="wilayah"]'), '18.07.21.2011');
    watch.allow(422, '/peringatan/area');
    await page.click('#form-area button.utama');
    await page.waitForSelector('#ringkasan-galat');
    const nameField = await page.textContent('#a-nama + .galat');
    assert.match(nameField, /area lain milik instansi ini sudah memakai nama ini/);

    // Edit: the circle's points are on the map to drag.
    await page.goto(`${base}/peringatan/area`);
    await Promise.all([page.waitForURL(`${base}/peringatan/area/${id}/ubah`), row.locator('a', { hasText: 'Ubah' }).click()]);
    assert.match(await page.textContent('h1'), new RegExp(areaName));
    assert.equal(await page.isChecked('input[name="cara"][value="tetap"]'), true, 'the shape is kept unless changed');
    await page.check('input[name="cara"][value="peta"]');
    await page.waitForSelector('#peta-gambar .titik-gambar', { state: 'visible' });
    const before = JSON.parse(await page.inputValue('#bentuk-peta'));
    assert.equal(before.type, 'Polygon');
    assert.match(await page.textContent('#jumlah-titik'), /64 titik/);
    const dot = await page.$('#peta-gambar .titik-gambar');
    const box = await dot.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2 + 15, { steps: 5 });
    await page.mouse.up();
    const after = JSON.parse(await page.inputValue('#bentuk-peta'));
    const ring = after.coordinates[0];
    assert.equal(ring.length, before.coordinates[0].length, 'a point moved, none added');
    assert.ok(ring[0][0] > before.coordinates[0][0][0], `the point moved east: ${ring[0]} vs ${before.coordinates[0][0]}`);
    assert.deepEqual(ring[0], ring[ring.length - 1], 'the ring stays closed');
    await shot(page, 'ui3-area-ubah');
    await Promise.all([page.waitForURL(`${base}/peringatan/area?pesan=diubah`), page.click('#form-area button.utama')]);
    assert.match(await page.textContent('.pesan.sukses'), /Perubahan area tersimpan/);
    const edited = await fenceOf(page, id);
    assert.equal(edited.etag, '"2"');
    assert.equal(edited.body.properties.shape.type, 'Polygon');
    assert.deepEqual(edited.body.properties.shape.coordinates[0][0], ring[0]);
    assert.deepEqual(watch.problems, []);

    // Without JavaScript: the search step lists the matches to pick from.
    const noJs = await plain.newPage();
    const watchPlain = watchProblems(noJs);
    await signIn(noJs, base, COORDINATOR);
    await noJs.goto(`${base}/peringatan/area`);
    await noJs.fill('#a-nama', `${areaName} tanpa js`);
    await noJs.fill('#a-cari-wilayah', 'Labuhan Ratu IX');
    await noJs.click('#tombol-cari-wilayah');
    await noJs.waitForSelector('#hasil-cari-server');
    assert.match(await noJs.textContent('#hasil-cari-server'), /Labuhan Ratu IX — desa\/kelurahan, Labuhan Ratu/);
    await noJs.check('#hasil-cari-server input[value="18.07.21.2011"]');
    await noJs.fill('#a-radius', '800');
    await Promise.all([noJs.waitForURL(`${base}/peringatan/area?pesan=area`), noJs.click('#form-area button.utama')]);
    assert.match(await noJs.textContent('.daftar-area'), new RegExp(`${areaName} tanpa js`));
    await shot(noJs, 'ui3-area-tanpa-js');
    assert.deepEqual(watchPlain.problems, []);
  } finally {
    await context.close();
    await plain.close();
  }
});
