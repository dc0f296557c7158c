// Filling a form on the phone (/formulir/{id}/isi): the answers are read from the inputs
// named by question path (`a:path`, `a:repeat[n]/path`, a geopoint's `#lat`/`#lon`), as
// the paper entry's are on the server, and saved in the outbox with an identity chosen
// here; the outbox sends them to POST /api/v1/forms/{id}/answers when there is a
// signal, once. Words come from the form's data attributes; text is set with
// textContent only.
/* global SinergiOutbox */
(function () {
  'use strict';

  var form = document.getElementById('form-isi');
  var userMeta = document.querySelector('meta[name="sinergi-user"]');
  if (!form || !userMeta || !window.SinergiOutbox) {
    return;
  }
  var USER = userMeta.getAttribute('content');
  var word = function (k) { return form.getAttribute('data-' + k) || ''; };
  var msg = document.getElementById('pesan-isi');

  function say(text, kind) {
    msg.textContent = text;
    msg.className = 'pesan ' + (kind || 'info');
    msg.hidden = !text;
  }

  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // The answers as a submission's `data` shows them; empty inputs and entries are none.
  function answers() {
    var flat = {};
    var order = [];
    var points = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name.indexOf('a:') !== 0 || el.disabled) {
        return;
      }
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) {
        return;
      }
      var v = (el.value || '').trim();
      if (!v) {
        return;
      }
      var name = el.name.slice(2);
      var hash = name.lastIndexOf('#');
      if (hash > 0) {
        var path = name.slice(0, hash);
        var p = points[path] || (points[path] = { lat: '', lon: '' });
        p[name.slice(hash + 1)] = v;
        if (order.indexOf(path) < 0) {
          order.push(path);
        }
        return;
      }
      if (!flat[name]) {
        flat[name] = [];
        order.push(name);
      }
      flat[name].push(v);
    });
    Object.keys(points).forEach(function (path) {
      flat[path] = [(points[path].lat + ' ' + points[path].lon).trim()];
    });
    var out = {};
    var entries = {};
    order.forEach(function (name) {
      var values = flat[name];
      var value = values.length === 1 ? values[0] : values;
      var m = /^([^[]+)\[(\d+)\]\/(.+)$/.exec(name);
      if (m) {
        var rep = entries[m[1]] || (entries[m[1]] = {});
        var e = rep[m[2]] || (rep[m[2]] = {});
        e[m[3]] = value;
      } else {
        out[name] = value;
      }
    });
    Object.keys(entries).forEach(function (rep) {
      out[rep] = Object.keys(entries[rep]).sort(function (a, b) { return a - b; })
        .map(function (n) { return entries[rep][n]; });
    });
    return out;
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    // The form's own rules first (formulir-logika.js): required answers, constraints.
    var wrong = window.SinergiFormLogic ? window.SinergiFormLogic.problems() : [];
    if (wrong.length) {
      say(word('fix') + ' ' + wrong.map(function (p) { return p.text; }).join(' · '), 'galat');
      wrong[0].row.scrollIntoView({ block: 'center' });
      return;
    }
    var a = answers();
    if (!Object.keys(a).length) {
      say(word('empty'), 'galat');
      return;
    }
    var now = new Date();
    SinergiOutbox.add({
      kind: 'form',
      user: USER,
      label: word('title'),
      form: form.getAttribute('data-form'),
      body: {
        instance_id: 'uuid:' + uuid(),
        version: Number(form.getAttribute('data-version')),
        answers: a,
        answered_at: now.toISOString(),
      },
    }).then(function () {
      form.reset();
      say(word('saved'), 'sukses');
      window.scrollTo(0, 0);
      if (navigator.onLine !== false) {
        SinergiOutbox.sendAll().catch(function () { /* Retried on the next open. */ });
      }
    }).catch(function (e) {
      say(String(e), 'galat');
    });
  });
}());
