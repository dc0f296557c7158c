// The outbox: what a field worker records without a network waits on the phone, in
// IndexedDB, and is sent when the network returns — new reports with their photos
// (the report form and Kawal Desa), offline edits of a report, and recorded patrol
// tracks. Runs in pages and in the service worker (importScripts), so it touches no DOM.
//
// Each item is sent exactly once: a report carries the id the phone chose (a replay
// answers with the same record), a photo is stored once per report by its content, a
// track once per patrol by its hash, and an edit carries the version it was made from
// (If-Match). Items go in the order they were made. An answer 4xx marks the item failed
// with the server's words and keeps it until the person deletes it; no network or a 5xx
// leaves it waiting for the next try (the `online` event, every page open, Background
// Sync). An edit refused with 412 keeps both versions for the person to choose.
// Items belong to the person who made them and are only sent in their session.
/* exported SinergiOutbox */
(function (root) {
  'use strict';

  var DB_NAME = 'sinergi';
  var DB_VERSION = 1;
  var ITEMS = 'outbox';
  var TRACKS = 'tracks';

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains(ITEMS)) {
          db.createObjectStore(ITEMS, { keyPath: 'seq', autoIncrement: true });
        }
        if (!db.objectStoreNames.contains(TRACKS)) {
          db.createObjectStore(TRACKS, { keyPath: 'patrol' });
        }
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  // Runs `fn(store)` in one transaction and resolves when it commits.
  function tx(storeName, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(storeName, mode);
        var out;
        t.oncomplete = function () { db.close(); resolve(out); };
        t.onerror = function () { db.close(); reject(t.error); };
        t.onabort = function () { db.close(); reject(t.error); };
        var r = fn(t.objectStore(storeName));
        if (r) {
          r.onsuccess = function () { out = r.result; };
        }
      });
    });
  }

  function all() {
    return tx(ITEMS, 'readonly', function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  function get(seq) {
    return tx(ITEMS, 'readonly', function (s) { return s.get(seq); });
  }

  function put(item) {
    return tx(ITEMS, 'readwrite', function (s) { return s.put(item); });
  }

  function remove(seq) {
    return tx(ITEMS, 'readwrite', function (s) { return s.delete(seq); }).then(changed);
  }

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) {
      return root.crypto.randomUUID();
    }
    var b = new Uint8Array(16);
    root.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // Tells every open page (and the worker's clients) that the outbox changed.
  function changed() {
    try {
      if (root.BroadcastChannel) {
        var ch = new BroadcastChannel('sinergi-outbox');
        ch.postMessage('changed');
        ch.close();
      }
    } catch (e) { /* Only a hint to refresh. */ }
    if (root.document && root.dispatchEvent && root.CustomEvent) {
      root.dispatchEvent(new CustomEvent('sinergi-outbox'));
    }
  }

  /**
   * Adds an item: `{kind: 'report'|'patch'|'gpx'|'form', user, label, …}`; resolves with it.
   * Reports: `body` (the GeoJSON Feature, its `id` chosen here when absent) and `photos`
   * ([{name, blob}]). Edits: `report`, `version`, `body`, `mine` (what the person saw).
   * Tracks: `patrol`, `gpx` (text). Form answers: `form` (its id) and `body`
   * (`{instance_id, version, answers, answered_at}`).
   */
  function add(item) {
    item.created = Date.now();
    // A report form posted while the browser believes it is online is kept 'held': a
    // copy that is sent only if the post never reached its answer (see offline.js).
    item.state = item.state === 'held' ? 'held' : 'waiting';
    item.reason = '';
    if (item.kind === 'report') {
      item.body.id = item.body.id || uuid();
      item.id = item.body.id;
      item.photos = (item.photos || []).map(function (p) { return { name: p.name, blob: p.blob, sent: false }; });
    }
    return put(item).then(function (seq) {
      item.seq = seq;
      if (item.state === 'waiting') {
        changed();
        requestSync();
      }
      return item;
    });
  }

  /**
   * Settles the held copies of the person's posted report forms, when a page opens:
   * the answer page of one (`/laporan/ID`), or its form shown again with the same id (the
   * server asked for corrections), means the post arrived — the copy is dropped; any
   * other page means it did not (the network failed under it) — the copy is sent like
   * any waiting item. Resolves when done.
   */
  function settleHeld(user, arrivedIds) {
    return all().then(function (items) {
      var held = items.filter(function (i) { return i.state === 'held' && i.user === user; });
      return Promise.all(held.map(function (i) {
        if (arrivedIds.indexOf(i.id) >= 0) {
          return remove(i.seq);
        }
        i.state = 'waiting';
        return put(i);
      })).then(function () {
        if (held.length) {
          changed();
        }
      });
    });
  }

  function requestSync() {
    var sw = root.navigator && root.navigator.serviceWorker;
    if (sw && root.document) {
      sw.ready.then(function (reg) {
        if (reg.sync) {
          return reg.sync.register('sinergi-outbox');
        }
        return null;
      }).catch(function () { /* Sent on the next open instead. */ });
    }
  }

  // The session's CSRF token and user name, read from a fresh page: a page opened from
  // the cache may be from an older session. Null when nobody is signed in.
  function session() {
    return fetch('/kirim', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/html' } })
      .then(function (r) {
        if (!r.ok || new URL(r.url).pathname !== '/kirim') {
          return null;
        }
        return r.text().then(function (html) {
          var token = /<meta name="csrf-token" content="([^"]+)"/.exec(html);
          var user = /<meta name="sinergi-user" content="([^"]+)"/.exec(html);
          return token && user ? { csrf: token[1], user: decode(user[1]) } : null;
        });
      });
  }

  function decode(s) {
    return s.replace(/&#x([0-9a-f]+);/gi, function (_, h) { return String.fromCharCode(parseInt(h, 16)); })
      .replace(/&#(\d+);/g, function (_, d) { return String.fromCharCode(Number(d)); })
      .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }

  // A refusal as words: the problem's title and detail and each field's message (a
  // batch names fields `features[i]…`; the person sees them as for one report).
  function problemWords(p, status) {
    var parts = [p.detail || p.title || String(status)];
    (p.errors || []).forEach(function (e) {
      var field = (e.field || '').replace(/^features\[\d+\]\.?/, '');
      parts.push((field ? field + ': ' : '') + (e.message || ''));
    });
    return parts.join(' · ');
  }

  function problemText(r) {
    return r.text().then(function (text) {
      try {
        return problemWords(JSON.parse(text), r.status);
      } catch (e) {
        return 'HTTP ' + r.status;
      }
    });
  }

  // Retry later: no network, a server error, a session that has to sign in again.
  function Later(why) { this.why = why; }

  function api(s, method, path, body, headers) {
    var h = { 'X-CSRF-Token': s.csrf, Accept: 'application/json' };
    Object.keys(headers || {}).forEach(function (k) { h[k] = headers[k]; });
    return fetch(path, { method: method, credentials: 'same-origin', headers: h, body: body })
      .catch(function (e) { throw new Later(String(e)); })
      .then(function (r) {
        if (r.status >= 500 || r.status === 401 || r.status === 429) {
          throw new Later('HTTP ' + r.status);
        }
        return r;
      });
  }

  function fail(item, r) {
    return problemText(r).then(function (why) {
      return failWith(item, r.status, why);
    });
  }

  function failWith(item, status, why) {
    item.state = 'failed';
    item.reason = why;
    item.status = status;
    return put(item);
  }

  // Reports not yet on the server go in batches (one request, one transaction on the
  // server, each report answered on its own): a week offline is a few requests, not a
  // thousand round trips on a slow network.
  var BATCH = 25;
  var BATCH_BYTES = 256 * 1024;

  // Answers a batch result for a report item as the single post would have been
  // answered: true when the report is on the server (its photos go next).
  function settleReport(item, status, problem) {
    if (status === 200 || status === 201) {
      item.sentReport = true;
      return put(item).then(function () { return true; });
    }
    if (status === 409 && item.copy) {
      return remove(item.seq).then(function () { return false; });
    }
    if (status >= 500) {
      // Kept waiting for the next try.
      return Promise.resolve(false);
    }
    return failWith(item, status, problemWords(problem || {}, status)).then(function () { return false; });
  }

  /**
   * Sends the reports of `items` (report items not yet stored, in order) in one request.
   * Resolves with the items whose reports are now stored, or null when the server could
   * not take the batch (too large): they are then sent one by one.
   */
  function sendBatch(s, items) {
    var body = JSON.stringify({ type: 'FeatureCollection', features: items.map(function (i) { return i.body; }) });
    return api(s, 'POST', '/api/v1/reports/batch', body, { 'Content-Type': 'application/geo+json' }).then(function (r) {
      if (r.status === 413) {
        return null;
      }
      if (r.status !== 200) {
        // The whole batch refused (e.g. not allowed): each item says why.
        return problemText(r).then(function (why) {
          return Promise.all(items.map(function (i) { return failWith(i, r.status, why); }));
        }).then(function () { return []; });
      }
      return r.json().then(function (answer) {
        var stored = [];
        var chain = Promise.resolve();
        (answer.results || []).forEach(function (res) {
          var item = items[res.index];
          if (!item) {
            return;
          }
          chain = chain.then(function () {
            return settleReport(item, res.status, res.problem).then(function (ok) {
              if (ok) {
                stored.push(item);
              }
            });
          });
        });
        return chain.then(function () { return stored; });
      });
    });
  }

  function sendReport(s, item) {
    // A copy of a posted form whose id the server already holds with other content
    // (409): the form's own post answered it; the copy is not the record.
    var step = item.sentReport ? Promise.resolve(true) : api(s, 'POST', '/api/v1/reports',
      JSON.stringify(item.body), { 'Content-Type': 'application/json' }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        return settleReport(item, r.status, null);
      }
      return r.text().then(function (text) {
        var p = {};
        try { p = JSON.parse(text); } catch (e) { p = { title: 'HTTP ' + r.status }; }
        return settleReport(item, r.status, p);
      });
    });
    return step.then(function (ok) {
      if (!ok) {
        return null;
      }
      // Photos one by one, each marked as soon as it is stored.
      var chain = Promise.resolve(true);
      item.photos.forEach(function (p) {
        chain = chain.then(function (going) {
          if (!going || p.sent) {
            return going;
          }
          var fd = new FormData();
          fd.append('file', p.blob, p.name || 'foto.jpg');
          return api(s, 'POST', '/api/v1/reports/' + item.id + '/attachments', fd).then(function (r) {
            if (r.status === 200 || r.status === 201) {
              p.sent = true;
              return put(item).then(function () { return true; });
            }
            return fail(item, r).then(function () { return false; });
          });
        });
      });
      return chain.then(function (going) {
        if (going) {
          item.state = 'sent';
          item.sentAt = Date.now();
          item.href = '/laporan/' + item.id;
          // The photos' bytes are not kept once stored on the server.
          item.photos.forEach(function (p) { p.blob = null; });
          return put(item);
        }
        return null;
      });
    });
  }

  // Whether the server's report already holds every property of the edit (an edit that
  // was stored but whose answer was lost).
  function holds(server, body) {
    var props = body.properties || {};
    var same = Object.keys(props).every(function (k) {
      var a = props[k];
      var b = server.properties[k];
      if (k === 'occurred_at') {
        return Date.parse(a) === Date.parse(b);
      }
      if (k === 'description' && !a && !b) {
        return true;
      }
      return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
    });
    if (same && body.geometry) {
      same = JSON.stringify(body.geometry.coordinates) === JSON.stringify(server.geometry && server.geometry.coordinates);
    }
    return same;
  }

  function sortKeys(v) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      var o = {};
      Object.keys(v).sort().forEach(function (k) { o[k] = sortKeys(v[k]); });
      return o;
    }
    return v;
  }

  function sendPatch(s, item) {
    return api(s, 'PATCH', '/api/v1/reports/' + item.report, JSON.stringify(item.body), {
      'Content-Type': 'application/json',
      'If-Match': '"' + item.version + '"',
    }).then(function (r) {
      if (r.status === 200) {
        return r.json().then(function (f) {
          item.state = 'sent';
          item.sentAt = Date.now();
          item.href = '/laporan/' + item.report;
          item.version = f.properties.version;
          return put(item);
        });
      }
      if (r.status !== 412) {
        return fail(item, r);
      }
      // Changed on the server meanwhile: keep both versions for the person to choose.
      return api(s, 'GET', '/api/v1/reports/' + item.report).then(function (g) {
        if (!g.ok) {
          return fail(item, g);
        }
        return g.json().then(function (server) {
          if (holds(server, item.body)) {
            item.state = 'sent';
            item.sentAt = Date.now();
            item.href = '/laporan/' + item.report;
            return put(item);
          }
          item.state = 'conflict';
          item.server = server;
          item.serverVersion = server.properties.version;
          item.reason = '';
          return put(item);
        });
      });
    });
  }

  // Form answers (the phone app's fill page): once, by the identity the phone chose.
  function sendForm(s, item) {
    return api(s, 'POST', '/api/v1/forms/' + encodeURIComponent(item.form) + '/answers', JSON.stringify(item.body), {
      'Content-Type': 'application/json',
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        return r.json().then(function (d) {
          item.state = 'sent';
          item.sentAt = Date.now();
          item.href = '/kiriman/' + d.submission.id;
          return put(item);
        });
      }
      return fail(item, r);
    });
  }

  function sendTrack(s, item) {
    return api(s, 'POST', '/api/v1/imports/gpx?patrol=' + encodeURIComponent(item.patrol), item.gpx, {
      'Content-Type': 'application/gpx+xml',
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        item.state = 'sent';
        item.sentAt = Date.now();
        item.href = '/patroli/' + item.patrol;
        return put(item);
      }
      return fail(item, r);
    });
  }

  // The items still waiting, read again: another page may have sent or deleted some.
  function fresh(items) {
    return Promise.all(items.map(function (i) { return get(i.seq); })).then(function (cur) {
      return cur.filter(function (c) { return c && c.state === 'waiting'; });
    });
  }

  // Sends items one after another, each as its kind is sent.
  function eachAlone(s, items) {
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        return fresh([item]).then(function (cur) {
          if (!cur.length) {
            return null;
          }
          var c = cur[0];
          var send = c.kind === 'report' ? sendReport : c.kind === 'patch' ? sendPatch : c.kind === 'form' ? sendForm : sendTrack;
          return send(s, c).then(changed);
        });
      });
    });
    return chain;
  }

  var running = null;

  /**
   * Sends every waiting item of the signed-in person, oldest first. Resolves with
   * 'signed-out' when the session ended (the items wait for the next sign-in).
   */
  function sendAll() {
    if (running) {
      return running;
    }
    var work = function () {
      return all().then(function (items) {
        var waiting = items.filter(function (i) { return i.state === 'waiting'; });
        if (waiting.length === 0) {
          return null;
        }
        return session().then(function (s) {
          if (!s) {
            // Kept for the same person's next session.
            return 'signed-out';
          }
          var mine = waiting.filter(function (i) { return i.user === s.user; });
          var next = function (k) {
            if (k >= mine.length) {
              return null;
            }
            // A run of reports not yet stored goes as one batch; anything else alone.
            var run = [];
            var bytes = 0;
            while (k + run.length < mine.length && run.length < BATCH) {
              var c = mine[k + run.length];
              var size = c.kind === 'report' ? JSON.stringify(c.body).length : 0;
              if (c.kind !== 'report' || c.sentReport || (run.length && bytes + size > BATCH_BYTES)) {
                break;
              }
              run.push(c);
              bytes += size;
            }
            if (run.length > 1) {
              return fresh(run).then(function (cur) {
                if (!cur.length) {
                  return null;
                }
                return sendBatch(s, cur).then(function (stored) {
                  if (stored === null) {
                    return eachAlone(s, cur);
                  }
                  // Their photos, one report after another.
                  return eachAlone(s, stored);
                });
              }).then(changed).then(function () { return next(k + run.length); });
            }
            return eachAlone(s, [mine[k]]).then(function () { return next(k + 1); });
          };
          return next(0);
        });
      }).catch(function (e) {
        if (!(e instanceof Later)) {
          throw e;
        }
        // Stops here; the rest keep their order for the next try.
        return null;
      });
    };
    var locks = root.navigator && root.navigator.locks;
    running = (locks ? locks.request('sinergi-outbox', work) : work()).then(function (result) {
      running = null;
      changed();
      return result;
    }, function (e) {
      running = null;
      throw e;
    });
    return running;
  }

  /** An edit in conflict: keep mine (send again over the server's version) or theirs. */
  function resolve(seq, keepMine) {
    return get(seq).then(function (item) {
      if (!item || item.state !== 'conflict') {
        return null;
      }
      if (!keepMine) {
        return remove(seq);
      }
      item.version = item.serverVersion;
      item.state = 'waiting';
      item.server = null;
      return put(item).then(changed).then(sendAll);
    });
  }

  /** A failed item, tried again (after what the server refused was put right). */
  function retry(seq) {
    return get(seq).then(function (item) {
      if (!item || item.state !== 'failed') {
        return null;
      }
      item.state = 'waiting';
      item.reason = '';
      return put(item).then(changed).then(sendAll);
    });
  }

  // ---- a patrol being recorded: its points, kept as they come ----

  function track(patrol) {
    return tx(TRACKS, 'readonly', function (s) { return s.get(patrol); });
  }

  function saveTrack(t) {
    return tx(TRACKS, 'readwrite', function (s) { return s.put(t); });
  }

  function dropTrack(patrol) {
    return tx(TRACKS, 'readwrite', function (s) { return s.delete(patrol); });
  }

  root.SinergiOutbox = {
    add: add,
    settleHeld: settleHeld,
    all: all,
    remove: remove,
    sendAll: sendAll,
    resolve: resolve,
    retry: retry,
    uuid: uuid,
    track: track,
    saveTrack: saveTrack,
    dropTrack: dropTrack,
  };
}(typeof self !== 'undefined' ? self : this));
