// Downloads the report list's exports through the web UI in Chromium, which asks for
// compressed answers as every browser does, and reads them whole: CSV and GeoJSON, for a
// partner agency that receives some records coarsened (what it was given is stated in
// both files).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useServerAndBrowser, signIn, watchProblems } from './harness.mjs';

const env = useServerAndBrowser();

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') {
      field += c;
    }
  }
  assert.equal(quoted, false, 'the file ends inside a quoted field: it was cut off');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

async function download(page, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`a[download]:text-is("${name}")`)]);
  assert.equal(await dl.failure(), null, `${name} download failed`);
  return readFileSync(await dl.path(), 'utf8');
}

test('a partner downloads both exports from the report list and reads them whole', async () => {
  const context = await env.browser.newContext({ acceptDownloads: true, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, env.base, 'petugas.bnnk.jakbar');
    await page.goto(`${env.base}/laporan`);
    const csv = parseCsv(await download(page, 'CSV'));
    const head = csv[0];
    for (const col of ['id', 'title', 'lon', 'lat', 'access', 'withheld', 'location_precision_m']) {
      assert.ok(head.includes(col), `CSV column ${col}: ${head}`);
    }
    const rows = csv.slice(1);
    assert.ok(rows.length > 0, 'the partner receives records');
    assert.ok(rows.every((r) => r.length === head.length), 'every row is complete');

    const geo = JSON.parse(await download(page, 'GeoJSON'));
    assert.equal(geo.type, 'FeatureCollection');
    assert.equal(geo.features.length, rows.length, 'both formats hold the same records');
    const ids = new Set(rows.map((r) => r[head.indexOf('id')]));
    assert.ok(geo.features.every((f) => ids.has(f.id)));
    // Records the partner receives coarsened say so in both files.
    const shared = geo.features.filter((f) => f.properties.access);
    assert.ok(shared.length > 0, 'some records are shared under an agreement');
    for (const f of shared) {
      const r = rows.find((x) => x[head.indexOf('id')] === f.id);
      assert.equal(r[head.indexOf('access')], 'shared');
      assert.equal(String(r[head.indexOf('location_precision_m')]), String(f.properties.access.precision));
    }
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});
