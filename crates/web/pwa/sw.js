// Sinergi's service worker, served as /sw.js (scope /). The server puts `SINERGI` above
// this text: the build's version, every static file's content-hashed URL by its plain
// name, the outbox script's URL and the words of the offline page, so a new build is a
// new worker. Decisions in docs/adr/0018-offline-phone-app.md:
//
// - hashed files (/static/name.HASH.ext) are precached on install (but for the few no
//   offline page uses, cached on first use) and served cache-first; a plain name
//   (/static/name.ext) is served from its hashed copy;
// - pages are network-first; a successful answer of the pages a field worker needs
//   offline (home, the report form, Kawal Desa, the outbox, patrols, a report and its
//   edit form, patrol recording, the forms and a form's fill page) is kept in the pages
//   cache and served when the network fails; nothing else is kept, and never an API
//   answer;
// - signing in or out (POST /masuk, /keluar) empties the pages cache, so one person's
//   pages never open for the next;
// - the map's public data is kept for the field: base-map tiles (/tiles/…) cache-first
//   once seen, a view's boundaries (/boundaries?…) network-first with the last copy of
//   the same view when the network fails; both hold no records, so they stay across
//   sign-ins; the tiles cache keeps at most MAX_TILES tiles (the oldest leave first);
// - Background Sync ('sinergi-outbox') sends the outbox where the browser supports it.
/* global SINERGI, SinergiOutbox */
'use strict';

var STATIC = 'sinergi-static-' + SINERGI.version;
var PAGES = 'sinergi-pages';
var MAP = 'sinergi-map';
var MAX_TILES = 3000;
var KEPT_PAGES = [
  /^\/$/,
  /^\/laporan\/baru$/,
  /^\/laporan\/[0-9a-f-]{36}$/,
  /^\/laporan\/[0-9a-f-]{36}\/ubah$/,
  /^\/kawal-desa$/,
  /^\/kirim$/,
  /^\/patroli$/,
  /^\/patroli\/[0-9a-f-]{36}$/,
  /^\/patroli\/[0-9a-f-]{36}\/rekam$/,
  /^\/formulir$/,
  /^\/formulir\/[0-9a-f-]{36}\/isi$/,
];

var MEDIA = /^\/formulir\/[0-9a-f-]{36}\/versi\/[0-9]+\/media\/[^/]+$/;

importScripts(SINERGI.outbox);

var hashedUrls = Object.keys(SINERGI.assets).map(function (k) { return SINERGI.assets[k]; });

self.addEventListener('install', function (ev) {
  // Files the page already loaded come from the HTTP cache (immutable), not the network.
  ev.waitUntil(caches.open(STATIC).then(function (c) { return c.addAll(SINERGI.precache); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener('activate', function (ev) {
  ev.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf('sinergi-static-') === 0 && n !== STATIC;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// A page that was never kept, asked for without a network: both languages, since a
// worker cannot read the language cookie.
function offlinePage() {
  var body = ['id', 'en'].map(function (lang) {
    var w = SINERGI.offline[lang];
    return '<section lang="' + lang + '"><h1>' + escapeHtml(w.title) + '</h1><p>' + escapeHtml(w.text) +
      '</p><p><a href="/kirim">' + escapeHtml(w.outbox) + '</a></p></section>';
  }).join('');
  var html = '<!doctype html><html lang="id"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Sinergi</title>' +
    '<link rel="stylesheet" href="' + SINERGI.assets['sinergi.css'] + '"></head><body><main>' +
    body + '</main></body></html>';
  return new Response(html, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
  });
}

function kept(path) {
  return KEPT_PAGES.some(function (re) { return re.test(path); });
}

self.addEventListener('fetch', function (ev) {
  var req = ev.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (req.method === 'POST' && (url.pathname === '/keluar' || url.pathname === '/masuk')) {
    // A new person may be signing in: nothing of the last one's pages stays.
    ev.waitUntil(caches.delete(PAGES));
    return;
  }
  if (req.method !== 'GET' || url.pathname.indexOf('/api/') === 0) {
    return;
  }
  if (url.pathname.indexOf('/static/') === 0) {
    var plain = url.pathname.slice('/static/'.length);
    var hashed = hashedUrls.indexOf(url.pathname) >= 0 ? url.pathname : SINERGI.assets[plain];
    if (!hashed) {
      return;
    }
    ev.respondWith(caches.open(STATIC).then(function (c) {
      return c.match(hashed).then(function (hit) {
        return hit || fetch(req).then(function (resp) {
          if (resp.ok && hashed === url.pathname) {
            c.put(hashed, resp.clone());
          }
          return resp;
        });
      });
    }));
    return;
  }
  if (url.pathname.indexOf('/tiles/') === 0) {
    ev.respondWith(caches.open(MAP).then(function (c) {
      return c.match(req).then(function (hit) {
        return hit || fetch(req).then(function (resp) {
          if (resp.ok) {
            ev.waitUntil(c.put(req, resp.clone()).then(function () { return trim(c); }));
          }
          return resp;
        });
      });
    }));
    return;
  }
  if (url.pathname === '/boundaries') {
    ev.respondWith(fetch(req).then(function (resp) {
      if (resp.ok) {
        var copy = resp.clone();
        ev.waitUntil(caches.open(MAP).then(function (c) { return c.put(req, copy); }));
      }
      return resp;
    }, function () {
      return caches.open(MAP).then(function (c) { return c.match(req); }).then(function (hit) {
        return hit || Response.error();
      });
    }));
    return;
  }
  if (MEDIA.test(url.pathname)) {
    // A form's media file (ADR 40): from the network while online, kept with the pages
    // (and dropped with them at sign-out) so the form shows it offline.
    ev.respondWith(fetch(req).then(function (resp) {
      if (resp.ok && resp.status === 200) {
        var copy = resp.clone();
        ev.waitUntil(caches.open(PAGES).then(function (c) { return c.put(url.pathname, copy); }));
      }
      return resp;
    }, function () {
      return caches.open(PAGES).then(function (c) { return c.match(url.pathname); }).then(function (hit) {
        return hit || Response.error();
      });
    }));
    return;
  }
  if (req.mode !== 'navigate') {
    return;
  }
  ev.respondWith(fetch(req).then(function (resp) {
    if (resp.ok && !resp.redirected && resp.type === 'basic' && kept(url.pathname)) {
      var copy = resp.clone();
      ev.waitUntil(caches.open(PAGES).then(function (c) { return c.put(url.pathname, copy); }));
    } else if (resp.redirected && new URL(resp.url).pathname === '/masuk') {
      // The session ended: its pages are not kept for whoever signs in next.
      ev.waitUntil(caches.delete(PAGES));
    }
    return resp;
  }, function () {
    return caches.open(PAGES).then(function (c) {
      return c.match(url.pathname);
    }).then(function (hit) {
      return hit || offlinePage();
    });
  }));
});

// Keeps the map cache within MAX_TILES tiles, the oldest put first leaving first.
function trim(c) {
  return c.keys().then(function (keys) {
    var tiles = keys.filter(function (k) { return new URL(k.url).pathname.indexOf('/tiles/') === 0; });
    var extra = tiles.length - MAX_TILES;
    return Promise.all(tiles.slice(0, Math.max(0, extra)).map(function (k) { return c.delete(k); }));
  });
}

self.addEventListener('sync', function (ev) {
  if (ev.tag === 'sinergi-outbox') {
    ev.waitUntil(SinergiOutbox.sendAll());
  }
});

self.addEventListener('message', function (ev) {
  if (ev.data === 'clear-pages') {
    ev.waitUntil(caches.delete(PAGES));
  }
});
