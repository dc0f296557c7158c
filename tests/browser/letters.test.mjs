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

// The receiving side: Balai TN Way Kambas writes to Balai Besar TNKS; the TNKS coordinator
// opens the letter and passes it (disposisi) to a ranger with an instruction and a due
// date; the ranger finds it under "Disposisi saya", marks it done with a note, and the
// sender sees that the letter was read. The inbox and the lists of dispositions fit a
// phone's width.
test('a received letter is disposed to a person, who marks it done; the sender sees it read', async () => {
  const base = env.base;
  const contexts = [];
  const open = async () => {
    const ctx = await env.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    return { page, watch: watchProblems(page) };
  };
  const subject = 'Permohonan berbagi pengalaman patroli gabungan';
  // The lists are cards on a phone: nothing scrolls sideways.
  const fits = async (page) => {
    const [wide, screen] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(wide <= screen, `${page.url()} is ${wide} px wide on a ${screen} px screen`);
  };
  try {
    // The sender writes and sends.
    const s = await open();
    await signIn(s.page, base, 'koordinator.wk');
    await s.page.goto(`${base}/surat/baru`);
    await s.page.fill('#perihal', subject);
    await s.page.selectOption('#kepada', ['BBTNKS']);
    await s.page.fill('#isi', 'Dengan hormat,\nkami mohon berbagi pengalaman patroli gabungan bersama kepolisian.');
    await s.page.fill('#penandatangan', 'Kepala Balai Taman Nasional Way Kambas');
    await Promise.all([
      s.page.waitForURL(/\/surat\/[0-9a-f-]{36}\?pesan=konsep$/),
      s.page.click('#form-surat button[type="submit"]'),
    ]);
    const letterUrl = s.page.url().replace(/\?.*$/, '');
    await Promise.all([
      s.page.waitForURL(`${letterUrl}?pesan=terkirim`),
      s.page.click('#form-kirim-surat button[type="submit"]'),
    ]);
    assert.match(await s.page.textContent('#penerima-surat tr[data-agency="BBTNKS"] .tanda-baca'), /Belum dibaca/);

    // The receiving coordinator opens it from the inbox and disposes it to the ranger.
    const c = await open();
    await signIn(c.page, base, 'koordinator.tnks');
    await c.page.goto(`${base}/surat?kotak=masuk`);
    const row = c.page.locator('tr.belum-dibaca', { hasText: subject });
    await row.waitFor();
    await fits(c.page);
    await Promise.all([c.page.waitForURL(letterUrl), row.locator('a').first().click()]);
    const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await c.page.selectOption('#kepada-disposisi', 'ranger.tnks');
    await c.page.fill('#instruksi', 'Siapkan bahan paparan patroli gabungan bersama Polres Kerinci');
    await c.page.fill('#batas', due);
    await shot(c.page, 'letter-dispose', true);
    await Promise.all([
      c.page.waitForURL(`${letterUrl}?pesan=disposisi`),
      c.page.click('#form-disposisi button[type="submit"]'),
    ]);
    const given = c.page.locator('#disposisi-surat tr[data-to="ranger.tnks"]');
    assert.match(await given.textContent(), /Siapkan bahan paparan/);
    assert.match(await given.locator('.status-disposisi').textContent(), /Belum selesai/);
    assert.deepEqual(c.watch.problems, []);

    // The ranger finds it under "Disposisi saya" and marks it done.
    const r = await open();
    await signIn(r.page, base, 'ranger.tnks');
    await r.page.goto(`${base}/surat?kotak=disposisi`);
    const mine = r.page.locator('.daftar-disposisi tr[data-disposition-id]', { hasText: 'Siapkan bahan paparan' });
    await mine.waitFor();
    assert.match(await mine.textContent(), new RegExp(due));
    assert.match(await mine.textContent(), /Belum selesai/);
    await fits(r.page);
    await shot(r.page, 'letter-my-dispositions', true);
    await Promise.all([r.page.waitForURL(letterUrl), mine.locator('a').first().click()]);
    const own = r.page.locator('#disposisi-surat tr[data-to="ranger.tnks"]');
    await own.locator('input[name="catatan"]').fill('Bahan paparan dikirim ke Balai TN Way Kambas.');
    await Promise.all([
      r.page.waitForURL(`${letterUrl}?pesan=selesai`),
      own.locator('button[type="submit"]').click(),
    ]);
    assert.match(await r.page.locator('#disposisi-surat tr[data-to="ranger.tnks"] .status-disposisi').textContent(), /Selesai/);
    await fits(r.page);
    await r.page.goto(`${base}/surat?kotak=disposisi`);
    const after = await r.page.locator('.daftar-disposisi tr[data-disposition-id]', { hasText: 'Siapkan bahan paparan' }).textContent();
    assert.doesNotMatch(after, /Belum selesai/);
    assert.match(after, /Selesai/);
    assert.deepEqual(r.watch.problems, []);

    // The sender sees the read receipt.
    await s.page.goto(letterUrl);
    const read = (await s.page.textContent('#penerima-surat tr[data-agency="BBTNKS"] .tanda-baca')).trim();
    assert.doesNotMatch(read, /Belum dibaca/);
    assert.match(read, /\d{2}[.:]\d{2}/);
    // The disposition is the receiving agency's own: the sender sees none of it.
    assert.equal(await s.page.locator('#disposisi-surat').count(), 0);
    assert.deepEqual(s.watch.problems, []);
  } finally {
    for (const ctx of contexts) await ctx.close();
  }
});
