// The phone app on every signed-in page: registers the service worker, shows how many
// records wait in the outbox ("menunggu dikirim (N)"), sends them on every page open and
// when the network returns, and saves the report form and the report edit form into the
// outbox when there is no network. On /kirim it lists the outbox with each item's state,
// and an edit refused because the report changed meanwhile shows both versions side by
// side to choose from. Words come from the page (data attributes and JSON blocks the
// server renders from the catalogue); text is always set with textContent.
/* global SinergiOutbox */
(function () {
  'use strict';

  var userMeta = document.querySelector('meta[name="sinergi-user"]');
  if (!userMeta || !window.SinergiOutbox || !window.indexedDB) {
    return;
  }
  var USER = userMeta.getAttribute('content');

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {
      /* The pages work without it, only not offline. */
    });
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) {
      e.textContent = text;
    }
    return e;
  }

  function fill(template, n) {
    return String(template || '').replace('{n}', String(n));
  }

  // ---- the badge in the header ----

  var badge = document.getElementById('antrian-kirim');

  // The person's items; held copies of forms being posted are not shown (they are
  // settled when the next page opens).
  function mine(items) {
    return items.filter(function (i) { return i.user === USER && i.state !== 'held'; });
  }

  // Sent items stay listed for a week, then leave the phone.
  var KEEP_SENT_MS = 7 * 86400000;

  function refresh() {
    return SinergiOutbox.all().then(function (all) {
      var old = all.filter(function (i) { return i.state === 'sent' && Date.now() - (i.sentAt || 0) > KEEP_SENT_MS; });
      return Promise.all(old.map(function (i) { return SinergiOutbox.remove(i.seq); })).then(function () {
        return all.filter(function (i) { return old.indexOf(i) < 0; });
      });
    }).then(function (items) {
      var open = mine(items).filter(function (i) { return i.state !== 'sent'; });
      if (badge) {
        badge.textContent = fill(badge.getAttribute('data-label'), open.length);
        badge.hidden = open.length === 0;
        badge.classList.toggle('ada-gagal', open.some(function (i) { return i.state !== 'waiting'; }));
      }
      renderList(mine(items));
      document.dispatchEvent(new CustomEvent('sinergi-outbox-items', { detail: mine(items) }));
    });
  }

  function send() {
    if (navigator.onLine === false) {
      return refresh();
    }
    return SinergiOutbox.sendAll().then(function (result) {
      var note = document.getElementById('antrian-masuk');
      if (note) {
        note.hidden = result !== 'signed-out';
      }
      return refresh();
    }, refresh);
  }

  window.addEventListener('sinergi-outbox', refresh);
  window.addEventListener('online', send);
  if (window.BroadcastChannel) {
    new BroadcastChannel('sinergi-outbox').onmessage = refresh;
  }
  // The report forms posted online: this page is the answer of one (its report page,
  // or its form shown again with the same id), or proof the post never arrived.
  var arrived = [];
  var answer = /^\/laporan\/([0-9a-f-]{36})$/.exec(location.pathname);
  if (answer) {
    arrived.push(answer[1]);
  }
  var shownAgain = document.querySelector('form.laporan-form input[name="id"]');
  if (shownAgain && shownAgain.value) {
    arrived.push(shownAgain.value);
  }
  SinergiOutbox.settleHeld(USER, arrived).then(send, send);

  // ---- the report form and the edit form, without a network ----

  function number(s, integer) {
    var t = String(s).replace(/\s/g, '');
    if (t.indexOf(',') >= 0) {
      t = t.replace(/\./g, '').replace(',', '.');
    }
    var n = Number(t);
    if (t === '' || !isFinite(n) || (integer && Math.floor(n) !== n)) {
      return null;
    }
    return n;
  }

  function rfc3339(local, zone) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) {
      return null;
    }
    return (local.length === 16 ? local + ':00' : local) + zone;
  }

  // The form's values as the API's properties, as the server reads the same form.
  function properties(form, type, edit) {
    var fd = new FormData(form);
    var text = function (k) { return String(fd.get(k) || '').trim(); };
    var zone = text('zona') || '+07:00';
    var p = {};
    if (!edit) {
      p.type = type ? type.key : text('type');
    }
    p.title = text('title');
    var desc = String(fd.get('description') || '');
    if (edit || desc.trim()) {
      p.description = desc;
    }
    var at = rfc3339(text('occurred_local'), zone);
    if (at) {
      p.occurred_at = at;
    }
    if (text('sensitivity')) {
      p.sensitivity = text('sensitivity');
    }
    if (text('region_code')) {
      p.region_code = text('region_code');
    }
    var attrs = {};
    (type ? type.fields : []).forEach(function (f) {
      var vals = fd.getAll('attr.' + f.key).map(function (v) { return String(v).trim(); });
      if (f.kind === 'boolean') {
        attrs[f.key] = vals.some(function (v) { return v === '1' || v === 'on' || v === 'true'; });
        return;
      }
      if (f.kind === 'multiselect') {
        var items = vals.filter(function (v) { return v !== ''; });
        if (items.length) {
          attrs[f.key] = items;
        }
        return;
      }
      var v = vals[0];
      if (!v) {
        return;
      }
      if (f.kind === 'integer' || f.kind === 'decimal') {
        var n = number(v, f.kind === 'integer');
        attrs[f.key] = n === null ? v : n;
      } else if (f.kind === 'datetime') {
        attrs[f.key] = rfc3339(v, zone) || v;
      } else {
        attrs[f.key] = v;
      }
    });
    if (type) {
      p.attributes = attrs;
    }
    var lon = number(text('lon'), false);
    var lat = number(text('lat'), false);
    var geometry = lon !== null && lat !== null ? { type: 'Point', coordinates: [lon, lat] } : null;
    return { properties: p, geometry: geometry };
  }

  function photos(form) {
    var out = [];
    form.querySelectorAll('input[type="file"][name="foto"]').forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) {
        out.push({ name: f.name, blob: f });
      });
    });
    return out;
  }

  var form = document.querySelector('form.laporan-form');
  var typesEl = document.getElementById('report-types');
  var box = document.getElementById('luring-formulir');
  if (form && typesEl && box) {
    var types = [];
    try {
      types = JSON.parse(typesEl.textContent);
    } catch (e) { /* Without types the server's form still works online. */ }
    var edit = box.getAttribute('data-mode') === 'edit';
    var notice = document.getElementById('luring-pesan');
    // Online, the form posts as usual; a new report is also kept 'held' on the phone
    // first (its id is the form's), so a post the network loses is not lost: the next
    // page that opens finds the copy unanswered and sends it (the same id makes a post
    // that did arrive answer as the stored report). A copy is only kept of a form the
    // page can read whole; other buttons (change the type) just post.
    var keepCopy = function (ev) {
      var idInput = form.querySelector('input[name="id"]');
      if (edit || form.dataset.copied === '1' || (ev.submitter && ev.submitter.name) || !idInput || !idInput.value) {
        return;
      }
      var typeKey = String(new FormData(form).get('type') || '');
      var type = types.filter(function (t) { return t.key === typeKey; })[0];
      var v = properties(form, type, false);
      if (!type || !v.properties.title || !v.geometry) {
        return;
      }
      ev.preventDefault();
      var body = { type: 'Feature', id: idInput.value, geometry: v.geometry, properties: v.properties };
      var post = function () {
        form.dataset.copied = '1';
        form.submit();
      };
      SinergiOutbox.add({
        kind: 'report', user: USER, label: v.properties.title, state: 'held', copy: true,
        body: body, photos: photos(form),
      }).then(post, post);
    };
    form.addEventListener('submit', function (ev) {
      if (ev.defaultPrevented) {
        return;
      }
      if (navigator.onLine !== false) {
        keepCopy(ev);
        return;
      }
      ev.preventDefault();
      var typeKey = edit ? box.getAttribute('data-type') : String(new FormData(form).get('type') || '');
      var type = types.filter(function (t) { return t.key === typeKey; })[0];
      var v = properties(form, type, edit);
      var missing = [];
      if (!type) {
        missing.push(box.getAttribute('data-need-type'));
      }
      if (!v.properties.title) {
        missing.push(box.getAttribute('data-need-title'));
      }
      if (!v.geometry && !edit) {
        missing.push(box.getAttribute('data-need-location'));
      }
      if (missing.length) {
        notice.textContent = missing.join(' ');
        notice.className = 'pesan galat';
        notice.hidden = false;
        notice.focus();
        return;
      }
      var button = form.querySelector('button[type="submit"]:not([name])');
      if (button) {
        button.disabled = true;
      }
      var item;
      if (edit) {
        var body = { properties: v.properties };
        if (v.geometry) {
          body.geometry = v.geometry;
        }
        item = {
          kind: 'patch', user: USER, label: v.properties.title,
          report: box.getAttribute('data-report'),
          version: Number(new FormData(form).get('version')),
          body: body,
        };
      } else {
        item = {
          kind: 'report', user: USER, label: v.properties.title,
          body: { type: 'Feature', geometry: v.geometry, properties: v.properties },
          photos: photos(form),
        };
      }
      SinergiOutbox.add(item).then(function () {
        if (!edit) {
          form.reset();
          form.querySelectorAll('.foto-simpan input').forEach(function (i) { i.parentNode.removeChild(i); });
          var list = document.getElementById('foto-pratinjau');
          while (list && list.firstChild) {
            list.removeChild(list.firstChild);
          }
        }
        notice.textContent = box.getAttribute('data-saved');
        notice.className = 'pesan sukses';
        notice.hidden = false;
        notice.focus();
        if (button) {
          button.disabled = false;
        }
        return refresh();
      }, function (e) {
        notice.textContent = box.getAttribute('data-not-saved') + ' ' + String(e);
        notice.className = 'pesan galat';
        notice.hidden = false;
        if (button) {
          button.disabled = false;
        }
      });
    });
  }

  // ---- the outbox page ----

  var listBox = document.getElementById('antrian');
  var words = {};
  var wordsEl = document.getElementById('antrian-kata');
  if (wordsEl) {
    try {
      words = JSON.parse(wordsEl.textContent);
    } catch (e) { /* Keys show instead of words. */ }
  }

  function w(key) {
    return words[key] || key;
  }

  function when(ms) {
    try {
      return new Date(ms).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'id-ID');
    } catch (e) {
      return new Date(ms).toISOString();
    }
  }

  // The fields two versions of a report are compared by.
  var FIELDS = ['title', 'description', 'occurred_at', 'sensitivity', 'attributes'];

  function show(v) {
    if (v === undefined || v === null || v === '') {
      return '—';
    }
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }

  function conflictTable(item) {
    var table = el('table', { 'class': 'tabel banding' });
    var head = el('tr');
    head.appendChild(el('th', { scope: 'col' }, w('field')));
    head.appendChild(el('th', { scope: 'col' }, w('mine')));
    head.appendChild(el('th', { scope: 'col' }, w('theirs')));
    table.appendChild(el('thead')).appendChild(head);
    var body = el('tbody');
    FIELDS.forEach(function (k) {
      if (!(k in item.body.properties)) {
        return;
      }
      var a = show(item.body.properties[k]);
      var b = show(item.server.properties[k]);
      var tr = el('tr', a === b ? {} : { 'class': 'beda' });
      tr.appendChild(el('th', { scope: 'row' }, w('f_' + k)));
      tr.appendChild(el('td', { 'class': 'versi-saya' }, a));
      tr.appendChild(el('td', { 'class': 'versi-server' }, b));
      body.appendChild(tr);
    });
    table.appendChild(body);
    return table;
  }

  function renderList(items) {
    if (!listBox) {
      return;
    }
    while (listBox.firstChild) {
      listBox.removeChild(listBox.firstChild);
    }
    if (items.length === 0) {
      listBox.appendChild(el('p', { 'class': 'catatan', id: 'antrian-kosong' }, w('empty')));
      return;
    }
    var ol = el('ol', { 'class': 'antrian-daftar' });
    items.slice().reverse().forEach(function (item) {
      var li = el('li', { 'class': 'antrian-item status-' + item.state, 'data-state': item.state, 'data-kind': item.kind });
      var title = el('p', { 'class': 'antrian-judul' });
      title.appendChild(el('strong', {}, item.label || '—'));
      title.appendChild(document.createTextNode(' · ' + w('kind_' + item.kind) + ' · ' + when(item.created)));
      li.appendChild(title);
      var state = el('p', { 'class': 'antrian-status' }, w('state_' + item.state));
      if (item.kind === 'report' && item.photos && item.photos.length) {
        state.appendChild(document.createTextNode(' · ' + fill(w('photos'), item.photos.length)));
      }
      li.appendChild(state);
      if (item.reason) {
        li.appendChild(el('p', { 'class': 'galat antrian-alasan' }, item.reason));
      }
      if (item.state === 'sent' && item.href) {
        li.appendChild(el('a', { href: item.href }, w('open')));
      }
      if (item.state === 'conflict' && item.server) {
        li.appendChild(el('p', {}, w('conflict')));
        li.appendChild(conflictTable(item));
        var keep = el('button', { type: 'button', 'class': 'tombol utama pakai-saya' }, w('keep_mine'));
        keep.addEventListener('click', function () { SinergiOutbox.resolve(item.seq, true).then(refresh); });
        var take = el('button', { type: 'button', 'class': 'tombol pakai-server' }, w('take_theirs'));
        take.addEventListener('click', function () { SinergiOutbox.resolve(item.seq, false).then(refresh); });
        var row = el('div', { 'class': 'tombol-baris' });
        row.appendChild(keep);
        row.appendChild(take);
        li.appendChild(row);
      }
      if (item.state === 'failed') {
        var again = el('button', { type: 'button', 'class': 'tombol kecil ulang' }, w('retry'));
        again.addEventListener('click', function () { SinergiOutbox.retry(item.seq).then(refresh); });
        li.appendChild(again);
      }
      if (item.state !== 'conflict') {
        var del = el('button', { type: 'button', 'class': 'tombol kecil hapus' }, item.state === 'sent' ? w('forget') : w('delete'));
        del.addEventListener('click', function () {
          if (item.state === 'sent' || window.confirm(w('delete_confirm'))) {
            SinergiOutbox.remove(item.seq).then(refresh);
          }
        });
        li.appendChild(del);
      }
      ol.appendChild(li);
    });
    listBox.appendChild(ol);
  }

  var again = document.getElementById('antrian-kirim-ulang');
  if (again) {
    again.hidden = false;
    again.addEventListener('click', send);
  }
}());
