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
