// Sinergi's progressive enhancement for every page. Every page works without this
// file; with it, the report form rebuilds its attribute fields when the type changes
// (from the JSON the server embeds in #report-types), dangerous buttons ask first and
// the error summary of a refused form takes the focus. No inline scripts exist: the
// Content-Security-Policy allows only files from /static. Text from the server is
// always inserted with textContent, never as HTML.
(function () {
  'use strict';

  document.documentElement.classList.add('js');

  document.querySelectorAll('.js-tampil[hidden]').forEach(function (el) {
    if (el.id !== 'lokasi-saya' || 'geolocation' in navigator) {
      el.hidden = false;
    }
  });

  // Buttons carrying data-konfirmasi ask before their form is sent.
  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest ? ev.target.closest('[data-konfirmasi]') : null;
    if (btn && !window.confirm(btn.getAttribute('data-konfirmasi'))) {
      ev.preventDefault();
    }
  });

  var summary = document.getElementById('ringkasan-galat');
  if (summary) {
    summary.focus();
  }

  // ---- the report form's attribute fields ----

  var typesEl = document.getElementById('report-types');
  var select = document.querySelector('select#type');
  var box = document.getElementById('atribut');
  if (!typesEl || !select || !box) {
    return;
  }
  var types;
  try {
    types = JSON.parse(typesEl.textContent);
  } catch (e) {
    return;
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== false) {
        e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
      }
    });
    if (text) {
      e.textContent = text;
    }
    return e;
  }

  function labelContent(parent, f) {
    parent.appendChild(document.createTextNode(f.label));
    if (f.required) {
      parent.appendChild(document.createTextNode(' '));
      parent.appendChild(el('span', { 'class': 'wajib', title: box.dataset.required }, '*'));
    }
    if (f.personal) {
      parent.appendChild(document.createTextNode(' '));
      parent.appendChild(el('span', { 'class': 'catatan' }, '(' + box.dataset.personal + ')'));
    }
  }

  // Builds the same markup the server renders for one attribute field.
  function field(f) {
    var name = 'attr.' + f.key;
    var id = 'attr-' + f.key;
    if (f.kind === 'multiselect') {
      var fs = el('fieldset', { 'class': 'field pilihan-banyak' });
      var legend = el('legend');
      labelContent(legend, f);
      fs.appendChild(legend);
      f.options.forEach(function (o) {
        var l = el('label', { 'class': 'pilihan' });
        l.appendChild(el('input', { type: 'checkbox', name: name, value: o.value }));
        l.appendChild(document.createTextNode(' ' + o.label));
        fs.appendChild(l);
      });
      return fs;
    }
    if (f.kind === 'boolean') {
      var wrap = el('div', { 'class': 'field centang' });
      var lb = el('label');
      lb.appendChild(el('input', { type: 'checkbox', name: name, value: '1' }));
      lb.appendChild(document.createTextNode(' ' + f.label));
      wrap.appendChild(lb);
      return wrap;
    }
    var div = el('div', { 'class': 'field' });
    var label = el('label', { 'for': id });
    labelContent(label, f);
    div.appendChild(label);
    var input;
    if (f.kind === 'select') {
      input = el('select', { id: id, name: name, required: f.required });
      input.appendChild(el('option', { value: '' }, box.dataset.choose));
      f.options.forEach(function (o) {
        input.appendChild(el('option', { value: o.value }, o.label));
      });
    } else {
      var attrs = { id: id, name: name, required: f.required };
      if (f.kind === 'integer') {
        attrs.type = 'number'; attrs.step = '1'; attrs.inputmode = 'numeric';
      } else if (f.kind === 'decimal') {
        attrs.type = 'number'; attrs.step = 'any'; attrs.inputmode = 'decimal';
      } else if (f.kind === 'date') {
        attrs.type = 'date';
      } else if (f.kind === 'datetime') {
        attrs.type = 'datetime-local';
      } else {
        attrs.type = 'text'; attrs.maxlength = '2000';
      }
      input = el('input', attrs);
    }
    div.appendChild(input);
    return div;
  }

  function render(key) {
    var type = types.filter(function (t) { return t.key === key; })[0];
    while (box.firstChild) {
      box.removeChild(box.firstChild);
    }
    if (!type || type.fields.length === 0) {
      box.appendChild(el('p', { 'class': 'catatan' }, box.dataset.empty));
      return;
    }
    type.fields.forEach(function (f) { box.appendChild(field(f)); });
  }

  select.addEventListener('change', function () { render(select.value); });
})();

// The agreement form's clause blocks. The server renders at least three, named
// clauses[N].…, so the form works without this; here the empty blocks after the first
// are hidden, and "add a clause" shows the next hidden one or adds a fresh copy of the
// last with the next number. Values never pass through HTML: blocks are cloned nodes.
(function () {
  'use strict';

  var list = document.getElementById('klausul-daftar');
  var addBtn = document.getElementById('tambah-klausul');
  if (!list || !addBtn) {
    return;
  }
  // The server reads at most this many blocks.
  var MAX = 20;

  function blocks() {
    return Array.prototype.slice.call(list.querySelectorAll('fieldset.klausul'));
  }

  function isEmpty(b) {
    if (b.querySelector('input[type="checkbox"]:checked')) {
      return false;
    }
    var multi = b.querySelectorAll('select[multiple] option');
    for (var i = 0; i < multi.length; i++) {
      if (multi[i].selected) {
        return false;
      }
    }
    var texts = b.querySelectorAll('input[type="text"], input:not([type])');
    for (var j = 0; j < texts.length; j++) {
      if (texts[j].value.trim() !== '') {
        return false;
      }
    }
    return !b.querySelector('.galat');
  }

  function updateButton() {
    var hidden = blocks().some(function (b) { return b.hidden; });
    addBtn.disabled = !hidden && blocks().length >= MAX;
  }

  blocks().forEach(function (b, i) {
    if (i > 0 && isEmpty(b)) {
      b.hidden = true;
    }
  });
  // Blocks stay in order: a filled block after a hidden one shows the gap too.
  var all = blocks();
  for (var i = all.length - 1; i > 0; i--) {
    if (!all[i].hidden) {
      for (var j = 1; j < i; j++) {
        all[j].hidden = false;
      }
      break;
    }
  }
  updateButton();

  // Renumbers one copied block: names clauses[N].x, ids kN-x, labels' for.
  function renumber(b, n) {
    b.setAttribute('data-klausul', String(n));
    b.querySelectorAll('[name]').forEach(function (el) {
      el.setAttribute('name', el.getAttribute('name').replace(/^clauses\[\d+\]/, 'clauses[' + n + ']'));
    });
    b.querySelectorAll('[id]').forEach(function (el) {
      el.id = el.id.replace(/^k\d+-/, 'k' + n + '-');
    });
    b.querySelectorAll('label[for]').forEach(function (el) {
      el.setAttribute('for', el.getAttribute('for').replace(/^k\d+-/, 'k' + n + '-'));
    });
    var legend = b.querySelector('legend');
    if (legend) {
      legend.textContent = (list.getAttribute('data-judul') || '{n}').replace('{n}', String(n + 1));
    }
  }

  function reset(b) {
    b.classList.remove('ada-galat');
    b.querySelectorAll('.ada-galat').forEach(function (el) { el.classList.remove('ada-galat'); });
    b.querySelectorAll('.galat').forEach(function (el) { el.parentNode.removeChild(el); });
    b.querySelectorAll('input[type="checkbox"]').forEach(function (el) { el.checked = false; });
    b.querySelectorAll('input[type="text"], input:not([type])').forEach(function (el) { el.value = ''; });
    b.querySelectorAll('select').forEach(function (el) {
      if (el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = false; });
      } else {
        el.value = el.getAttribute('data-awal') || el.options[0].value;
      }
    });
  }

  addBtn.addEventListener('click', function () {
    var hidden = blocks().filter(function (b) { return b.hidden; });
    var block;
    if (hidden.length > 0) {
      block = hidden[0];
      block.hidden = false;
    } else {
      var last = blocks()[blocks().length - 1];
      if (!last || blocks().length >= MAX) {
        return;
      }
      block = last.cloneNode(true);
      renumber(block, blocks().length);
      reset(block);
      list.appendChild(block);
    }
    updateButton();
    var first = block.querySelector('select, input');
    if (first) {
      first.focus();
    }
  });
})();

// The header menu is a <details>: folded behind its button on a phone, open on a wide
// screen (where the stylesheet hides the button). Browsers that cannot show a closed
// <details>' content by style alone get it opened here when the screen is wide.
(function () {
  'use strict';

  var menu = document.getElementById('menu-lipat');
  if (!menu || !window.matchMedia) {
    return;
  }
  var wide = window.matchMedia('(min-width: 48rem)');
  function follow() {
    menu.open = wide.matches;
  }
  follow();
  if (wide.addEventListener) {
    wide.addEventListener('change', follow);
  } else if (wide.addListener) {
    wide.addListener(follow);
  }
})();

// The photos of the new-report form. Without this file both inputs work as they are
// (the camera one keeps the last photo taken). Here every photo taken with the camera
// is kept: the filled input is moved, hidden, into the form and a fresh one takes its
// place, so each tap adds a photo. The chosen photos are shown as small previews (blob
// URLs, which the Content-Security-Policy allows for images) with a button to remove
// each, and too many or too large a total is said before the form is sent; the server
// checks everything again.
(function () {
  'use strict';

  var box = document.getElementById('foto-pilih');
  var list = document.getElementById('foto-pratinjau');
  var problem = document.getElementById('foto-galat');
  if (!box || !list) {
    return;
  }
  var form = box.closest('form');
  var MAX = Number(box.getAttribute('data-max')) || 10;
  var MAX_TOTAL = Number(box.getAttribute('data-max-total')) || 0;
  var store = document.createElement('div');
  store.className = 'foto-simpan';
  store.hidden = true;
  box.appendChild(store);
  var urls = [];

  function inputs() {
    return Array.prototype.slice.call(box.querySelectorAll('input[type="file"][name="foto"]'));
  }

  function size(bytes) {
    if (bytes >= 1048576) {
      return (bytes / 1048576).toFixed(1) + ' MB';
    }
    return Math.max(1, Math.round(bytes / 1024)) + ' KB';
  }

  // Removes one file from an input: the whole input when it holds only that file, or
  // when the browser cannot rebuild a file list; the input itself when it is visible.
  function remove(input, index) {
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length > 1 && window.DataTransfer) {
      try {
        var dt = new DataTransfer();
        files.forEach(function (f, i) {
          if (i !== index) {
            dt.items.add(f);
          }
        });
        input.files = dt.files;
        show();
        return;
      } catch (e) { /* Fall through: remove them all. */ }
    }
    if (store.contains(input)) {
      store.removeChild(input);
    } else {
      input.value = '';
    }
    show();
  }

  function show() {
    urls.forEach(function (u) { URL.revokeObjectURL(u); });
    urls = [];
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    var count = 0;
    var total = 0;
    inputs().forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file, index) {
        count += 1;
        total += file.size;
        var li = document.createElement('li');
        if (/^image\//.test(file.type) && window.URL && URL.createObjectURL) {
          var img = document.createElement('img');
          var u = URL.createObjectURL(file);
          urls.push(u);
          img.src = u;
          img.alt = '';
          li.appendChild(img);
        }
        var name = document.createElement('span');
        name.className = 'foto-nama';
        name.textContent = file.name + ' · ' + size(file.size);
        li.appendChild(name);
        var btn = document.createElement('button');
        btn.type = 'button';
        btn.className = 'tombol kecil';
        btn.textContent = box.getAttribute('data-remove') || '×';
        btn.setAttribute('aria-label', (box.getAttribute('data-remove') || '') + ': ' + file.name);
        btn.addEventListener('click', function () { remove(input, index); });
        li.appendChild(btn);
        list.appendChild(li);
      });
    });
    var msg = '';
    if (count > MAX) {
      msg = (box.getAttribute('data-too-many') || '').replace('{n}', String(MAX));
    } else if (MAX_TOTAL && total > MAX_TOTAL) {
      msg = (box.getAttribute('data-too-large') || '').replace('{n}', String(Math.floor(MAX_TOTAL / 1048576)));
    }
    if (problem) {
      problem.textContent = msg;
      problem.hidden = !msg;
    }
    box.setAttribute('data-count', String(count));
    return msg;
  }

  box.addEventListener('change', function (ev) {
    var input = ev.target;
    if (!input || input.name !== 'foto' || input.type !== 'file') {
      return;
    }
    // A photo from the camera is kept and the input offered again for the next one.
    if (input.id === 'foto-kamera' && input.files && input.files.length > 0) {
      var fresh = input.cloneNode(false);
      fresh.value = '';
      input.removeAttribute('id');
      input.parentNode.insertBefore(fresh, input);
      store.appendChild(input);
    }
    show();
  });

  if (form) {
    form.addEventListener('submit', function (ev) {
      if (show()) {
        ev.preventDefault();
        if (problem) {
          problem.scrollIntoView({ block: 'center' });
        }
      }
    });
  }
})();
