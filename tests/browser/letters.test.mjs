// A real-browser test of official letters on a phone-sized screen: BNNP Jambi's
// coordinator writes a letter to BNNK Batanghari with a copy to Kesbangpol through the
// menu and the form, and sends it, which gives it the agency's next number; an officer of
// BNNK finds it unread in the inbox and opens it; the sender then sees when it was read.
//
// Run from the repository root: `node --test tests/browser/` (see harness.mjs for the
// environment). With SCREENSHOT_DIR set, it saves 360×740 screenshots named letter-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, shot, signIn, watchProblems, openMenu } from './harness.mjs';

const env = useServerAndBrowser();

test('a letter is written, numbered when sent, and its read receipt reaches the sender', async () => {
  const base = env.base;
  const sender = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const reader = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
  const page = await sender.newPage();
  const watch = watchProblems(page);
  try {
    await signIn(page, base, 'koordinator.bnnp.jambi');
    await openMenu(page);
    await Promise.all([page.waitForURL(/\/surat$/), page.click('#tautan-surat')]);
    await Promise.all([page.waitForURL(`${base}/surat/baru`), page.click('#tautan-surat-baru')]);
    await page.fill('#perihal', 'Undangan rapat evaluasi KOTAN');
    await page.selectOption('#sifat', 'segera');
    await page.selectOption('#kepada', ['BNNK-BATANGHARI']);
    await page.selectOption('#tembusan', ['KESBANGPOL-JAMBI']);
    await page.fill('#isi', 'Dengan hormat,\nkami mengundang Bapak/Ibu pada rapat evaluasi KOTAN.');
    await page.fill('#penandatangan', 'Kepala BNN Provinsi Jambi');
    await shot(page, 'letter-form', true);
    await Promise.all([
      page.waitForURL(/\/surat\/[0-9a-f-]{36}\?pesan=konsep$/),
      page.click('#form-surat button[type="submit"]'),
    ]);
    const letterUrl = page.url().replace(/\?.*$/, '');
    assert.match(await page.textContent('#status-surat'), /Konsep/);
    await Promise.all([
      page.waitForURL(`${letterUrl}?pesan=terkirim`),
      page.click('#form-kirim-surat button[type="submit"]'),
    ]);
    const number = (await page.textContent('#nomor-surat')).trim();
    assert.match(number, /^B\/1\/[IVX]+\/\d{4}\/BNNP-JAMBI$/);
    assert.match(await page.textContent('#penerima-surat tr[data-agency="BNNK-BATANGHARI"] .tanda-baca'), /Belum dibaca/);
    await shot(page, 'letter-sent', true);

    // The recipient: unread in the inbox, opened.
    const rpage = await reader.newPage();
    const rwatch = watchProblems(rpage);
    await signIn(rpage, base, 'petugas.bnnk.batanghari');
    await rpage.goto(`${base}/surat?kotak=masuk`);
    const row = rpage.locator('tr.belum-dibaca', { hasText: 'Undangan rapat evaluasi KOTAN' });
    await row.waitFor();
    await row.locator('a').click();
    await rpage.waitForURL(letterUrl);
    assert.equal((await rpage.textContent('#nomor-surat')).trim(), number);
    await shot(rpage, 'letter-received', true);
    assert.deepEqual(rwatch.problems, []);

    // The sender sees when it was read.
    await page.goto(letterUrl);
    const read = (await page.textContent('#penerima-surat tr[data-agency="BNNK-BATANGHARI"] .tanda-baca')).trim();
    assert.doesNotMatch(read, /Belum dibaca/);
    assert.match(read, /\d{2}[.:]\d{2}/);
    assert.match(await page.textContent('#penerima-surat tr[data-agency="KESBANGPOL-JAMBI"] .tanda-baca'), /Belum dibaca/);
    // The printable letter carries the number.
    const pdf = await page.request.get(`${letterUrl}/surat.pdf`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.deepEqual(watch.problems, []);
  } finally {
    await sender.close();
    await reader.close();
  }
});
