// The form's logic on the phone (/formulir/{id}/isi; ADR 37): the XForm expressions of
// the subset Sinergi's XLSForm converter accepts, evaluated as the answers change —
// `relevant` shows or hides a question (a hidden one is not sent), `calculate` fills
// the hidden inputs, a select's `choice_filter` shows only the choices it keeps (a bare
// name in it is a column of the choice; a choice filtered out is unticked), and before
// saving `required` and `constraint` are checked, each refusal naming its question. Expressions name questions by absolute path
// (`/data/group/question`); inside a repeat's entry a path under the repeat means that
// entry's question. Empty answers are empty strings, not 0. An expression using
// something outside the subset never blocks: it counts as relevant and satisfied.
(function () {
  'use strict';

  var form = document.getElementById('form-isi');
  if (!form) {
    return;
  }
  var ROOT = form.getAttribute('data-root') || 'data';

  function Unsupported(what) {
    this.message = 'unsupported: ' + what;
  }

  // ---- reading an expression ----------------------------------------------------------

  function tokenize(src) {
    var out = [];
    var i = 0;
    var name = /[A-Za-z_][A-Za-z0-9_.:-]*/y;
    var num = /(?:\d+(?:\.\d*)?|\.\d+)/y;
    var path = /\/?(?:\.\.?|[A-Za-z_][A-Za-z0-9_.:-]*)(?:\/(?:\.\.?|[A-Za-z_][A-Za-z0-9_.:-]*))*/y;
    while (i < src.length) {
      var c = src[i];
      if (/\s/.test(c)) { i++; continue; }
      if (c === '\'' || c === '"') {
        var end = src.indexOf(c, i + 1);
        if (end < 0) { throw new Unsupported('string'); }
        out.push({ t: 'str', v: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
      var two = src.substr(i, 2);
      if (two === '!=' || two === '<=' || two === '>=') { out.push({ t: 'op', v: two }); i += 2; continue; }
      if ('=<>+*|'.indexOf(c) >= 0) { out.push({ t: 'op', v: c }); i++; continue; }
      if (c === '-') { out.push({ t: 'op', v: '-' }); i++; continue; }
      if (c === '(' || c === ')' || c === ',') { out.push({ t: c }); i++; continue; }
      num.lastIndex = i;
      var m = num.exec(src);
      // A number, but not `.` or `..` (paths).
      if (m && !(c === '.' && !/\d/.test(src[i + 1] || ''))) {
        out.push({ t: 'num', v: Number(m[0]) });
        i += m[0].length;
        continue;
      }
      if (c === '/' || c === '.') {
        path.lastIndex = i;
        m = path.exec(src);
        if (!m) { throw new Unsupported(c); }
        out.push({ t: 'path', v: m[0] });
        i += m[0].length;
        continue;
      }
      name.lastIndex = i;
      m = name.exec(src);
      if (!m) { throw new Unsupported(c); }
      var word = m[0];
      i += word.length;
      if (word === 'and' || word === 'or' || word === 'div' || word === 'mod') {
        out.push({ t: 'op', v: word });
      } else if (src[i] === '(' || /^\s*\(/.test(src.slice(i))) {
        out.push({ t: 'fn', v: word });
      } else {
        path.lastIndex = i - word.length;
        m = path.exec(src);
        i = i - word.length + m[0].length;
        out.push({ t: 'path', v: m[0] });
      }
    }
    return out;
  }

  function parse(src) {
    var toks = tokenize(src);
    var p = 0;
    function peek() { return toks[p]; }
    function isOp(v) { var t = peek(); return t && t.t === 'op' && t.v === v; }
    function binary(next, ops) {
      return function () {
        var left = next();
        for (;;) {
          var t = peek();
          if (!t || t.t !== 'op' || ops.indexOf(t.v) < 0) { return left; }
          p++;
          left = { op: t.v, a: left, b: next() };
        }
      };
    }
    function primary() {
      var t = toks[p++];
      if (!t) { throw new Unsupported('end'); }
      if (t.t === 'num') { return { num: t.v }; }
      if (t.t === 'str') { return { str: t.v }; }
      if (t.t === 'path') { return { path: t.v }; }
      if (t.t === '(') {
        var e = or();
        if (!toks[p] || toks[p].t !== ')') { throw new Unsupported(')'); }
        p++;
        return e;
      }
      if (t.t === 'fn') {
        if (!toks[p] || toks[p].t !== '(') { throw new Unsupported('('); }
        p++;
        var args = [];
        if (toks[p] && toks[p].t === ')') {
          p++;
        } else {
          for (;;) {
            args.push(or());
            var n = toks[p++];
            if (!n) { throw new Unsupported(')'); }
            if (n.t === ')') { break; }
            if (n.t !== ',') { throw new Unsupported(','); }
          }
        }
        return { fn: t.v, args: args };
      }
      if (t.t === 'op' && t.v === '-') { return { op: 'neg', a: unary() }; }
      throw new Unsupported(t.v || t.t);
    }
    function unary() {
      if (isOp('-')) { p++; return { op: 'neg', a: unary() }; }
      return primary();
    }
    var mul = binary(unary, ['*', 'div', 'mod']);
    var add = binary(mul, ['+', '-']);
    var rel = binary(add, ['<', '<=', '>', '>=']);
    var eq = binary(rel, ['=', '!=']);
    var and = binary(eq, ['and']);
    var or = binary(and, ['or']);
    var tree = or();
    if (p !== toks.length) { throw new Unsupported('trailing'); }
    return tree;
  }

  var parsed = {};
  function compiled(src) {
    if (!(src in parsed)) {
      try {
        parsed[src] = parse(src);
      } catch (e) {
        parsed[src] = null;
      }
    }
    return parsed[src];
  }

  // ---- values ---------------------------------------------------------------------------

  var DATE = /^(\d{4})-(\d{2})-(\d{2})/;

  function num(v) {
    if (typeof v === 'number') { return v; }
    if (typeof v === 'boolean') { return v ? 1 : 0; }
    var s = String(v).trim();
    if (s === '') { return NaN; }
    var d = DATE.exec(s);
    if (d) { return Date.UTC(+d[1], +d[2] - 1, +d[3]) / 86400000; }
    return Number(s);
  }

  function str(v) {
    if (typeof v === 'boolean') { return v ? 'true' : 'false'; }
    if (typeof v === 'number') {
      if (isNaN(v)) { return 'NaN'; }
      return String(Math.round(v * 1e10) / 1e10);
    }
    return v == null ? '' : String(v);
  }

  function bool(v) {
    if (typeof v === 'boolean') { return v; }
    if (typeof v === 'number') { return v !== 0 && !isNaN(v); }
    return String(v).length > 0;
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  }

  // The input name (without `a:`) an expression's path means in the context `ctx` (the
  // name of the question the expression belongs to).
  function resolve(path, ctx) {
    var rel;
    if (path === '.') {
      return ctx;
    }
    if (path.charAt(0) === '/') {
      var prefix = '/' + ROOT + '/';
      if (path.indexOf(prefix) !== 0) { throw new Unsupported(path); }
      rel = path.slice(prefix.length);
    } else {
      // Relative to the question itself: `../x` is its sibling.
      var parts = ctx.split('/');
      path.split('/').forEach(function (s) {
        if (s === '..') { parts.pop(); } else if (s !== '.') { parts.push(s); }
      });
      return parts.join('/');
    }
    // A path under a repeat means the context's own entry of it.
    var re = /([^/[\]]+)\[(\d+)\]/g;
    var m;
    var indexed = [];
    while ((m = re.exec(ctx))) { indexed.push(m); }
    indexed.forEach(function (x) {
      var upTo = ctx.slice(0, x.index + x[0].length);
      var plain = upTo.replace(/\[\d+\]/g, '');
      if (rel === plain || rel.indexOf(plain + '/') === 0) {
        rel = upTo + rel.slice(plain.length);
      }
    });
    return rel;
  }

  function valueOf(name) {
    var els = form.querySelectorAll('[name="a:' + CSS.escape(name) + '"]');
    if (!els.length) {
      var lat = form.querySelector('[name="a:' + CSS.escape(name) + '#lat"]');
      var lon = form.querySelector('[name="a:' + CSS.escape(name) + '#lon"]');
      if (lat && lon && !lat.disabled) {
        return (lat.value.trim() + ' ' + lon.value.trim()).trim();
      }
      return '';
    }
    var out = [];
    Array.prototype.forEach.call(els, function (el) {
      if (el.disabled) { return; }
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) { return; }
      if (el.value.trim()) { out.push(el.value.trim()); }
    });
    return out.join(' ');
  }

  var FN = {
    'selected': function (a, b) { return str(a).split(/\s+/).indexOf(str(b)) >= 0; },
    'count-selected': function (a) { var s = str(a).trim(); return s ? s.split(/\s+/).length : 0; },
    'if': null,
    'coalesce': function (a, b) { return str(a) !== '' ? a : b; },
    'string-length': function (a) { return str(a).length; },
    'regex': function (a, b) { return new RegExp(str(b)).test(str(a)); },
    'today': function () { return today(); },
    'now': function () { return new Date().toISOString(); },
    'concat': function () { return Array.prototype.map.call(arguments, str).join(''); },
    'number': function (a) { return num(a); },
    'int': function (a) { var n = num(a); return n < 0 ? Math.ceil(n) : Math.floor(n); },
    'string': function (a) { return str(a); },
    'not': function (a) { return !bool(a); },
    'true': function () { return true; },
    'false': function () { return false; },
    'boolean': function (a) { return bool(a); },
    'boolean-from-string': function (a) { return str(a) === 'true' || str(a) === '1'; },
    'round': function (a, n) { var f = Math.pow(10, n === undefined ? 0 : num(n)); return Math.round(num(a) * f) / f; },
    'contains': function (a, b) { return str(a).indexOf(str(b)) >= 0; },
    'starts-with': function (a, b) { return str(a).indexOf(str(b)) === 0; },
    'ends-with': function (a, b) { var s = str(a); var e = str(b); return s.slice(s.length - e.length) === e; },
    'substr': function (a, s, e) { return str(a).slice(num(s), e === undefined ? undefined : num(e)); },
    'date': function (a) { return a; },
    'jr:choice-name': function (a) { return a; },
    'max': function () { return Math.max.apply(null, Array.prototype.map.call(arguments, num)); },
    'min': function () { return Math.min.apply(null, Array.prototype.map.call(arguments, num)); },
    'abs': function (a) { return Math.abs(num(a)); },
  };

  // The columns of the choice a choice_filter is being evaluated for, else null.
  var choice = null;
  var COLUMN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

  function evaluate(e, ctx) {
    if ('num' in e) { return e.num; }
    if ('str' in e) { return e.str; }
    if ('path' in e) {
      if (choice && COLUMN.test(e.path)) {
        return Object.prototype.hasOwnProperty.call(choice, e.path) ? choice[e.path] : '';
      }
      return valueOf(resolve(e.path, ctx));
    }
    if ('fn' in e) {
      if (e.fn === 'if') {
        if (e.args.length !== 3) { throw new Unsupported('if'); }
        return bool(evaluate(e.args[0], ctx)) ? evaluate(e.args[1], ctx) : evaluate(e.args[2], ctx);
      }
      var f = FN[e.fn];
      if (!f) { throw new Unsupported(e.fn); }
      return f.apply(null, e.args.map(function (a) { return evaluate(a, ctx); }));
    }
    if (e.op === 'neg') { return -num(evaluate(e.a, ctx)); }
    if (e.op === 'and') { return bool(evaluate(e.a, ctx)) && bool(evaluate(e.b, ctx)); }
    if (e.op === 'or') { return bool(evaluate(e.a, ctx)) || bool(evaluate(e.b, ctx)); }
    var a = evaluate(e.a, ctx);
    var b = evaluate(e.b, ctx);
    switch (e.op) {
      case '=':
      case '!=': {
        var same;
        if (typeof a === 'boolean' || typeof b === 'boolean') {
          same = bool(a) === bool(b);
        } else if (typeof a === 'number' || typeof b === 'number') {
          same = num(a) === num(b);
        } else {
          same = str(a) === str(b);
        }
        return e.op === '=' ? same : !same;
      }
      case '<': return num(a) < num(b);
      case '<=': return num(a) <= num(b);
      case '>': return num(a) > num(b);
      case '>=': return num(a) >= num(b);
      case '+': return num(a) + num(b);
      case '-': return num(a) - num(b);
      case '*': return num(a) * num(b);
      case 'div': return num(a) / num(b);
      case 'mod': return num(a) % num(b);
      default: throw new Unsupported(e.op);
    }
  }

  // An expression's truth; `fallback` when it cannot be evaluated here.
  function holds(src, ctx, fallback) {
    var tree = compiled(src);
    if (!tree) { return fallback; }
    try {
      return bool(evaluate(tree, ctx));
    } catch (e) {
      return fallback;
    }
  }

  // ---- the page -------------------------------------------------------------------------

  function nameOf(row) {
    var n = row.getAttribute('data-name') || '';
    return n.indexOf('a:') === 0 ? n.slice(2) : n;
  }

  // A row's context: its question, or for a heading the next question's.
  function contextOf(row) {
    var n = nameOf(row);
    if (n) { return n; }
    var next = row.nextElementSibling;
    while (next && !next.getAttribute('data-name')) { next = next.nextElementSibling; }
    return next ? nameOf(next) : '';
  }

  function refresh() {
    // Twice: a question hidden empties its answer, which other conditions may read.
    for (var pass = 0; pass < 2; pass++) {
      Array.prototype.forEach.call(form.querySelectorAll('input[data-calculate]'), function (el) {
        var tree = compiled(el.getAttribute('data-calculate'));
        var v = '';
        if (tree) {
          try { v = str(evaluate(tree, el.name.slice(2))); } catch (e) { v = ''; }
        }
        if (v === 'NaN') { v = ''; }
        el.value = v;
      });
      Array.prototype.forEach.call(form.querySelectorAll('.isian-baris[data-filter]'), function (row) {
        var src = row.getAttribute('data-filter');
        var ctx = nameOf(row);
        Array.prototype.forEach.call(row.querySelectorAll('label[data-choice]'), function (label) {
          var cols;
          try { cols = JSON.parse(label.getAttribute('data-choice')); } catch (e) { cols = {}; }
          choice = cols;
          var kept;
          try { kept = holds(src, ctx, true); } finally { choice = null; }
          label.hidden = !kept;
          var input = label.querySelector('input');
          if (input && !kept) { input.checked = false; }
        });
      });
      Array.prototype.forEach.call(form.querySelectorAll('.isian-baris[data-relevant]'), function (row) {
        var list;
        try { list = JSON.parse(row.getAttribute('data-relevant')); } catch (e) { list = []; }
        var ctx = contextOf(row);
        var shown = list.every(function (src) { return holds(src, ctx, true); });
        row.hidden = !shown;
        Array.prototype.forEach.call(row.querySelectorAll('input, select, textarea'), function (el) {
          el.disabled = !shown;
        });
      });
    }
  }

  // An entry of a repeat counts once anything in it is answered.
  function entryUsed(name) {
    var m = /^(.*\[\d+\])\//.exec(name);
    if (!m) { return true; }
    var prefix = 'a:' + m[1] + '/';
    return Array.prototype.some.call(form.elements, function (el) {
      if (!el.name || el.name.indexOf(prefix) !== 0 || el.disabled || el.hasAttribute('data-calculate')) {
        return false;
      }
      if (el.type === 'radio' || el.type === 'checkbox') { return el.checked; }
      return el.value.trim() !== '';
    });
  }

  // The questions whose answers cannot be saved, with why: [{row, text}].
  function problems() {
    refresh();
    var out = [];
    Array.prototype.forEach.call(form.querySelectorAll('.isian-baris[data-name]'), function (row) {
      if (row.hidden) { return; }
      var name = nameOf(row);
      var label = row.getAttribute('data-label') || name;
      var value = valueOf(name);
      row.classList.remove('ada-galat');
      if (!entryUsed(name)) { return; }
      if (row.hasAttribute('data-required') && value === '') {
        out.push({ row: row, text: label + ': ' + (form.getAttribute('data-required') || '') });
        return;
      }
      var c = row.getAttribute('data-constraint');
      if (c && value !== '' && !holds(c, name, true)) {
        out.push({ row: row, text: label + ': ' + (row.getAttribute('data-message') || form.getAttribute('data-invalid') || '') });
      }
    });
    out.forEach(function (p) { p.row.classList.add('ada-galat'); });
    return out;
  }

  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
  form.addEventListener('reset', function () { setTimeout(refresh, 0); });
  refresh();

  window.SinergiFormLogic = { refresh: refresh, problems: problems, holds: holds, evaluate: function (src, ctx) { return evaluate(parse(src), ctx || ''); } };
}());
