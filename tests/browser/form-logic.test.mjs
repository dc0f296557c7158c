// The form's own rules on the phone, in a real Chromium: the Kapuas Hulu task force's
// secretariat screens a returning migrant worker with the trafficking screening form.
// The recruiter is asked only once an indicator is found; a form missing required
// answers, with an age of 200 and an identity number that is neither a NIK nor a
// passport number is not saved and says which questions and why; whether the person is
// a child is calculated; the follow-ups offered follow whether an indicator was found
// (the form's choice_filter). Corrected and sent, the submission holds the calculated
// answer and nothing of the recruiter question that was hidden again.
//
// Run from the repository root: `node --test tests/browser/form-logic.test.mjs` (see
// harness.mjs for the environment). With SCREENSHOT_DIR set, it saves form-logic-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, signIn, shot, watchProblems, apiToken, apiGet } from './harness.mjs';

const env = useServerAndBrowser();


test('the screening form asks, checks and calculates as the form says before it is saved', async () => {
  const base = env.base;
  const t = await apiToken(base, 'satgas.kapuashulu');
  const form = (await apiGet(base, t, '/api/v1/forms')).forms.find((f) => f.form_id === 'skrining_tppo_kapuashulu');
  assert.ok(form, 'the screening form');
  const before = (await apiGet(base, t, `/api/v1/forms/${form.id}/submissions`)).total;

  const context = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await context.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, base, 'satgas.kapuashulu');
    await page.goto(`${base}/formulir/${form.id}/isi`);
    await page.waitForSelector('#form-isi');
    // The expression subset itself: numbers, text, choices, dates, empty answers.
    const got = await page.evaluate(() => [
      '1 + 2 * 3', "if(2 > 1, 'a', 'b')", "string-length('abc') = 3 and selected('a b', 'b')",
      "today() > '2020-01-01'", '10 div 4', "coalesce('', 'x')", "regex('2026-Q3', '^[0-9]{4}-Q[1-4]$')",
      '/data/identitas/umur > 5', "/data/identitas/umur = ''", "concat('a', 1)", 'not(1 = 2) or 1 div 0',
    ].map((src) => window.SinergiFormLogic.evaluate(src)));
    assert.deepEqual(got, [7, 'a', true, true, 2.5, 'x', true, false, true, 'a1', true]);
    const recruiter = 'input[name="a:perekrut/nama_perekrut"]';
    const followUp = (v) => `input[name="a:tindak_lanjut"][value="${v}"]`;
    assert.equal(await page.isVisible(recruiter), false, 'no recruiter before an indicator');
    assert.equal(await page.isVisible(followUp('selesai')), true, 'closing offered without an indicator');
    assert.equal(await page.isVisible(followUp('rujuk_polres')), false, 'no referral to the police without one');
    assert.equal(await page.isVisible(followUp('rujuk_dp3a')), true, 'offered always');
    await page.check('input[name="a:indikator"][value="jeratan_utang"]');
    assert.equal(await page.isVisible(recruiter), true, 'the recruiter once an indicator is found');
    assert.equal(await page.isVisible(followUp('selesai')), false, 'not closed once an indicator is found');
    assert.equal(await page.isVisible(followUp('rujuk_polres')), true, 'the police once an indicator is found');

    // Wrong and missing answers: nothing saved, each question named with its reason.
    await page.fill('input[name="a:identitas/umur"]', '200');
    await page.fill('input[name="a:identitas/nik"]', 'abc');
    await page.click('#form-isi button[type="submit"]');
    await page.waitForSelector('#pesan-isi.galat:not([hidden])');
    const said = await page.textContent('#pesan-isi');
    for (const part of ['Nama: wajib diisi', 'Umur 0 sampai 120 tahun', 'NIK 16 angka atau nomor paspor', 'Tindak lanjut: wajib diisi']) {
      assert.ok(said.includes(part), `${part} in: ${said}`);
    }
    assert.ok(await page.locator('.isian-baris.ada-galat').count() >= 4);
    await shot(page, 'form-logic-refused', true);
    const waiting = await page.evaluate(() => window.SinergiOutbox.all().then((items) => items.filter((i) => i.kind === 'form').length));
    assert.equal(waiting, 0, 'nothing in the outbox');

    // Corrected: a 16-year-old is a child; the indicator taken back hides the recruiter
    // again, and what was typed there is not sent.
    await page.fill('input[name="a:tanggal"]', new Date().toISOString().slice(0, 10));
    await page.fill('input[name="a:identitas/nama"]', 'Uji Logika');
    await page.fill('input[name="a:identitas/umur"]', '16');
    await page.fill('input[name="a:identitas/nik"]', '6106055203010009');
    await page.check('input[name="a:negara"][value="malaysia"]');
    await page.check('input[name="a:tindak_lanjut"][value="rumah_aman"]');
    await page.fill(recruiter, 'Tidak dikirim');
    assert.equal(await page.inputValue('input[name="a:anak"]'), 'ya');
    await page.uncheck('input[name="a:indikator"][value="jeratan_utang"]');
    assert.equal(await page.isVisible(recruiter), false);
    // The safe house is offered only with an indicator: filtered out, it is unticked.
    assert.equal(await page.isVisible(followUp('rumah_aman')), false);
    assert.equal(await page.isChecked(followUp('rumah_aman')), false);
    await page.check(followUp('selesai'));
    await page.click('#form-isi button[type="submit"]');
    await page.waitForSelector('#pesan-isi.sukses:not([hidden])');
    await page.goto(`${base}/kirim`);
    await page.waitForSelector('#antrian [data-kind="form"][data-state="sent"]', { timeout: 60_000 });
    const after = await apiGet(base, t, `/api/v1/forms/${form.id}/submissions?source=app`);
    assert.equal(after.total, 1, 'sent once');
    const data = after.submissions[0].data;
    assert.equal(data['identitas/nama'], 'Uji Logika');
    assert.equal(data.anak, 'ya', 'the calculation is sent');
    assert.equal(data.tindak_lanjut, 'selesai');
    assert.equal(data['perekrut/nama_perekrut'] || '', '', 'a hidden question is not sent');
    assert.equal((await apiGet(base, t, `/api/v1/forms/${form.id}/submissions`)).total, before + 1);
    assert.deepEqual(watch.problems, []);
  } finally {
    await context.close();
  }
});
