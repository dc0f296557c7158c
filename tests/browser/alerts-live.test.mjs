// Real-browser tests of the early-warning pages with names that look like HTML and with
// alerts arriving live, on the demo data set:
//
// - an area and an animal named `<img src=x onerror=…>` show as text in every map tooltip
//   (the area page, the board's areas and tracks, the animal's track), and no element is
//   injected;
// - a new alert arriving on the stream is put where the board's order says (most severe
//   first, then newest), not always on top;
// - the board's sound and vibration option, once turned on, is remembered and beeps and
//   vibrates when a new alert arrives (WebAudio and navigator.vibrate are recorded by a
//   stub, as a headless browser has neither speaker nor motor).
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems } from './harness.mjs';

const env = useServerAndBrowser();

const COORDINATOR = 'koordinator.wk';

/** Calls the API from the page with the session's CSRF token. */
async function api(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
    const r = await fetch(p, {
      method: m,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: b === undefined ? undefined : JSON.stringify(b),
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, body]);
}

function minutesAgo(m) {
  return new Date(Date.now() - m * 60_000).toISOString();
}

/**
 * Opens the tooltip of every interactive shape of the map `#id` in turn and returns the
 * tooltips' texts and how many elements other than text they held.
 */
async function tooltips(page, id) {
  return page.evaluate((mapId) => {
    const texts = [];
    let elements = 0;
    const shapes = document.querySelectorAll(`#${mapId} .leaflet-overlay-pane path.leaflet-interactive`);
    for (const el of shapes) {
      const box = el.getBoundingClientRect();
      const at = { bubbles: true, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2 };
      el.dispatchEvent(new MouseEvent('mouseover', at));
      for (const tip of document.querySelectorAll(`#${mapId} .leaflet-tooltip`)) {
        texts.push(tip.textContent);
        elements += tip.querySelectorAll('img, script, iframe, svg, a').length;
      }
      el.dispatchEvent(new MouseEvent('mouseout', at));
    }
    return { texts, elements, injected: document.querySelectorAll(`#${mapId} img[src="x"]`).length };
  }, id);
}

test('names that look like HTML show as text in map tooltips', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  const base = env.base;
  const stamp = Date.now();
  const areaName = `<img src=x onerror="window.__disuntik=1"> Area ${stamp}`;
  const animalName = `<img src=x onerror="window.__disuntik=2"> Gajah ${stamp}`;
  const serial = `KALUNG-TEKS-${stamp}`;
  try {
    await signIn(page, base, COORDINATOR);
    await page.goto(`${base}/peringatan/area`);
    const fence = await api(page, 'POST', '/api/v1/fences', {
      name: areaName, kind: 'village',
      shape: { type: 'Polygon', coordinates: [[[105.60, -5.20], [105.66, -5.20], [105.66, -5.16], [105.60, -5.16], [105.60, -5.20]]] },
    });
    assert.equal(fence.status, 201, JSON.stringify(fence.body));
    const subject = await api(page, 'POST', '/api/v1/subjects', { name: animalName, species: 'gajah_sumatera' });
    assert.equal(subject.status, 201, JSON.stringify(subject.body));
    assert.equal((await api(page, 'POST', '/api/v1/devices', { serial, expected_interval_min: 60 })).status, 201);
    const deployed = await api(page, 'POST', `/api/v1/devices/${serial}/deploy`, { subject: subject.body.id, start: minutesAgo(600) });
    assert.equal(deployed.status, 201, JSON.stringify(deployed.body));
    const fixes = await api(page, 'POST', '/api/v1/observations', [
      { device: serial, recorded_at: minutesAgo(30), lon: 105.50, lat: -5.30 },
      { device: serial, recorded_at: minutesAgo(20), lon: 105.52, lat: -5.29 },
    ]);
    assert.equal(fixes.status, 200, JSON.stringify(fixes.body));

    // The area page's map: the area's tooltip is its name as text.
    await page.goto(`${base}/peringatan/area`);
    await page.waitForSelector('#peta-area .leaflet-overlay-pane path.leaflet-interactive');
    let seen = await tooltips(page, 'peta-area');
    assert.ok(seen.texts.includes(areaName), `the name shows as typed: ${JSON.stringify(seen.texts)}`);
    assert.equal(seen.elements, 0, 'no element inside a tooltip');
    assert.equal(seen.injected, 0);
    assert.match(await page.textContent('.daftar-area'), new RegExp(`Area ${stamp}`));

    // The board's map: areas and the animal's track.
    await page.goto(`${base}/peringatan`);
    await page.waitForSelector('#peta-peringatan[data-loaded="1"]');
    seen = await tooltips(page, 'peta-peringatan');
    assert.ok(seen.texts.includes(areaName), `the area: ${JSON.stringify(seen.texts)}`);
    assert.ok(seen.texts.includes(animalName), `the animal: ${JSON.stringify(seen.texts)}`);
    assert.equal(seen.elements, 0);
    assert.equal(seen.injected, 0);
    await shot(page, 'teks-peta-papan');

    // The animal's own page: its track's tooltip.
    await page.goto(`${base}/satwa/${subject.body.id}`);
    await page.waitForSelector('#peta-jejak .leaflet-overlay-pane path.leaflet-interactive');
    seen = await tooltips(page, 'peta-jejak');
    assert.ok(seen.texts.some((t) => t.startsWith(animalName)), `the track: ${JSON.stringify(seen.texts)}`);
    assert.equal(seen.elements, 0);
    assert.equal(seen.injected, 0);
    assert.equal(await page.evaluate(() => window.__disuntik), undefined, 'nothing ran');
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});

test('live alerts take their place in the board order and can beep and vibrate', async () => {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  // Records what the page asks of the speaker and the vibration motor.
  await context.addInitScript(() => {
    window.__getar = [];
    window.__bunyi = 0;
    navigator.vibrate = (pattern) => {
      window.__getar.push(pattern);
      return true;
    };
    class FakeAudio {
      constructor() {
        this.state = 'running';
        this.currentTime = 0;
        this.destination = {};
      }
      resume() {
        return Promise.resolve();
      }
      createOscillator() {
        return { type: '', frequency: { value: 0 }, connect() {}, start() { window.__bunyi += 1; }, stop() {} };
      }
      createGain() {
        return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect() {} };
      }
    }
    window.AudioContext = FakeAudio;
  });
  const setup = await context.newPage();
  const base = env.base;
  const stamp = Date.now();
  const areaName = `Area urutan ${stamp}`;
  const serial = `KALUNG-URUT-${stamp}`;
  try {
    await signIn(setup, base, COORDINATOR);
    await setup.goto(`${base}/peringatan/area`);
    const fence = await api(setup, 'POST', '/api/v1/fences', {
      name: areaName, kind: 'village',
      shape: { type: 'Circle', center: [105.62, -5.18], radius_m: 1000 },
    });
    assert.equal(fence.status, 201, JSON.stringify(fence.body));
    const subject = await api(setup, 'POST', '/api/v1/subjects', { name: `Gajah urutan ${stamp}`, species: 'gajah_sumatera' });
    assert.equal(subject.status, 201);
    assert.equal((await api(setup, 'POST', '/api/v1/devices', { serial, expected_interval_min: 60 })).status, 201);
    assert.equal((await api(setup, 'POST', `/api/v1/devices/${serial}/deploy`, { subject: subject.body.id, start: minutesAgo(600) })).status, 201);
    for (const severity of ['info', 'critical']) {
      const rule = await api(setup, 'POST', '/api/v1/rules', {
        name: `Urutan ${severity === 'critical' ? 'genting' : 'ringan'} ${stamp}`, fences: [fence.body.id], trigger: { type: 'enter' }, severity,
        quiet_period_min: 0, recipients: { agencies: ['BTNWK'] },
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
    }

    // The board, with the sound option turned on.
    const board = await context.newPage();
    const watch = watchProblems(board);
    await board.goto(`${base}/peringatan`);
    await board.waitForSelector('#daftar-peringatan[data-tersambung="1"]');
    assert.match(await board.textContent('main'), /yang paling genting di atas/);
    await board.waitForSelector('#bunyi-peringatan', { state: 'visible' });
    assert.equal(await board.isChecked('#bunyi-peringatan'), false, 'off until chosen');
    await board.check('#bunyi-peringatan');
    assert.ok(await board.evaluate(() => window.__bunyi) >= 1, 'turning it on beeps once');
    await board.reload();
    await board.waitForSelector('#daftar-peringatan[data-tersambung="1"]');
    assert.equal(await board.isChecked('#bunyi-peringatan'), true, 'the choice is remembered');
    await board.click('h1');
    const before = await board.evaluate(() => ({ beeps: window.__bunyi, buzz: window.__getar.length }));

    // A fix outside, then inside: both rules raise an alert at the same moment.
    let r = await api(setup, 'POST', '/api/v1/observations', [{ device: serial, recorded_at: minutesAgo(6), lon: 105.58, lat: -5.18 }]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = await api(setup, 'POST', '/api/v1/observations', [{ device: serial, recorded_at: minutesAgo(4), lon: 105.62, lat: -5.18 }]);
    const raised = r.body.results[0].alerts || [];
    assert.equal(raised.length, 2, JSON.stringify(r.body));
    for (const id of raised) {
      await board.waitForSelector(`#peringatan-${id}`, { timeout: 15_000 });
    }
    const order = await board.$$eval('#daftar-peringatan > .kartu-peringatan', (cards) =>
      cards.map((c) => ({ id: c.getAttribute('data-alert-id'), severity: c.getAttribute('data-tingkat'), at: c.querySelector('time').getAttribute('datetime') })));
    const rank = { critical: 3, warning: 2, info: 1 };
    for (let i = 1; i < order.length; i++) {
      const [a, b] = [order[i - 1], order[i]];
      assert.ok(rank[a.severity] >= rank[b.severity], `severity order at ${i}: ${JSON.stringify(order)}`);
      if (rank[a.severity] === rank[b.severity]) {
        assert.ok(Date.parse(a.at) >= Date.parse(b.at), `newest first at ${i}: ${JSON.stringify(order)}`);
      }
    }
    const critical = order.findIndex((c) => raised.includes(c.id) && c.severity === 'critical');
    const info = order.findIndex((c) => raised.includes(c.id) && c.severity === 'info');
    assert.equal(critical, 0, 'the new critical alert is on top');
    assert.ok(info > order.findLastIndex((c) => c.severity !== 'info'), 'the new info alert is below the more severe ones');
    await shot(board, 'papan-urutan');

    const after = await board.evaluate(() => ({ beeps: window.__bunyi, buzz: window.__getar }));
    assert.ok(after.beeps > before.beeps, 'a new alert beeps');
    assert.ok(after.buzz.length > before.buzz, 'a new alert vibrates');
    assert.ok(after.buzz.some((p) => Array.isArray(p) && p.length >= 3), 'a critical alert vibrates longer');
    assert.deepEqual(watch.problems, []);

    // When the server's card cannot be fetched, the card built from the stream's own data
    // still speaks Indonesian, not in keys.
    const fallbackBoard = await context.newPage();
    const fallbackWatch = watchProblems(fallbackBoard);
    fallbackWatch.allow(503, '/kartu');
    await fallbackBoard.route('**/peringatan/*/kartu', (route) => route.fulfill({ status: 503, body: '' }));
    await fallbackBoard.goto(`${base}/peringatan`);
    await fallbackBoard.waitForSelector('#daftar-peringatan[data-tersambung="1"]');
    r = await api(setup, 'POST', '/api/v1/observations', [{ device: serial, recorded_at: minutesAgo(3), lon: 105.58, lat: -5.18 }]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = await api(setup, 'POST', '/api/v1/observations', [{ device: serial, recorded_at: minutesAgo(2), lon: 105.62, lat: -5.18 }]);
    const again = r.body.results[0].alerts || [];
    assert.equal(again.length, 2, JSON.stringify(r.body));
    for (const id of again) {
      await fallbackBoard.waitForSelector(`#peringatan-${id}`, { timeout: 15_000 });
      const text = await fallbackBoard.textContent(`#peringatan-${id}`);
      assert.match(text, /Kritis|Info/);
      assert.match(text, /Baru/);
      assert.match(text, new RegExp(`masuk ${areaName}`));
      assert.doesNotMatch(text, /critical|info\b|open|enter|\d{4}-\d\d-\d\dT/, `no keys or raw times: ${text}`);
    }
    assert.deepEqual(fallbackWatch.problems, []);
  } finally {
    await context.close();
  }
});
