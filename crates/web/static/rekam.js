// Recording a patrol on the phone (/patroli/{id}/rekam). Start watches the position
// (navigator.geolocation.watchPosition) and keeps every point in IndexedDB as it comes,
// so a reload, a crash or a restart loses nothing; the screen is kept on with the Screen
// Wake Lock where the browser has it (a page cannot record with the screen off: the
// browser stops it). Pause ends the segment; start again begins a new one. A waypoint is
// the last position with a name, and with a photo becomes a report of the chosen type.
// Stop turns the track into GPX 1.1 (trk/trkseg/trkpt with time, waypoints as wpt) and
// puts it in the outbox for POST /api/v1/imports/gpx?patrol=ID (the same track twice is
// stored once). Words come from the page's data attributes.
/* global SinergiOutbox */
(function () {
  'use strict';

  var box = document.getElementById('rekam');
  var userMeta = document.querySelector('meta[name="sinergi-user"]');
  if (!box || !userMeta || !window.SinergiOutbox) {
    return;
  }
  var USER = userMeta.getAttribute('content');
  var PATROL = box.getAttribute('data-patrol');
  var word = function (k) { return box.getAttribute('data-' + k) || ''; };
  var statusEl = document.getElementById('rekam-status');
  var countEl = document.getElementById('rekam-titik');
  var screenEl = document.getElementById('rekam-layar');
  var startBtn = document.getElementById('rekam-mulai');
  var pauseBtn = document.getElementById('rekam-jeda');
  var stopBtn = document.getElementById('rekam-selesai');
  var wpForm = document.getElementById('rekam-titik-form');
  var wpMsg = document.getElementById('rekam-pesan');
  var wpList = document.getElementById('rekam-daftar-titik');

  var track = null;
  var watch = null;
  var wakeLock = null;
  var saving = Promise.resolve();

  function fresh() {
    return { patrol: PATROL, user: USER, state: 'idle', segments: [], waypoints: [], started: Date.now() };
  }

  // Saves one after the other, so the last state always wins.
  function save() {
    var copy = track;
    saving = saving.then(function () { return SinergiOutbox.saveTrack(copy); }).catch(function (e) {
      statusEl.textContent = String(e);
    });
    return saving;
  }

  function points() {
    return track.segments.reduce(function (n, s) { return n + s.length; }, 0);
  }

  function show() {
    statusEl.textContent = word(track.state);
    countEl.textContent = word('points').replace('{n}', String(points())).replace('{w}', String(track.waypoints.length));
    startBtn.disabled = track.state === 'recording';
    pauseBtn.disabled = track.state !== 'recording';
    stopBtn.disabled = track.state === 'idle' && points() === 0;
    while (wpList.firstChild) {
      wpList.removeChild(wpList.firstChild);
    }
    track.waypoints.forEach(function (w) {
      var li = document.createElement('li');
      li.className = 'antrian-item';
      li.textContent = (w.name || '—') + ' · ' + w.lat.toFixed(5) + ', ' + w.lon.toFixed(5) +
        (w.photo ? ' · 📷' : '');
      wpList.appendChild(li);
    });
  }

  function lastPoint() {
    for (var i = track.segments.length - 1; i >= 0; i--) {
      var s = track.segments[i];
      if (s.length) {
        return s[s.length - 1];
      }
    }
    return null;
  }

  function onPosition(p) {
    if (!track || track.state !== 'recording') {
      return;
    }
    var pt = { lon: p.coords.longitude, lat: p.coords.latitude, time: p.timestamp || Date.now() };
    if (typeof p.coords.altitude === 'number' && isFinite(p.coords.altitude)) {
      pt.ele = p.coords.altitude;
    }
    var seg = track.segments[track.segments.length - 1];
    var last = seg[seg.length - 1];
    if (last && last.lon === pt.lon && last.lat === pt.lat && pt.time - last.time < 1000) {
      return;
    }
    seg.push(pt);
    if (screenEl.textContent === word('gps-error')) {
      screenEl.textContent = '';
    }
    save();
    show();
  }

  function keepScreenOn() {
    if (!('wakeLock' in navigator)) {
      screenEl.textContent = word('wake-lock');
      return;
    }
    navigator.wakeLock.request('screen').then(function (lock) {
      wakeLock = lock;
    }).catch(function () {
      screenEl.textContent = word('wake-lock');
    });
  }

  function letScreenOff() {
    if (wakeLock) {
      wakeLock.release().catch(function () { /* Already released. */ });
      wakeLock = null;
    }
  }

  function startWatching() {
    if (!('geolocation' in navigator)) {
      statusEl.textContent = word('no-gps');
      return;
    }
    watch = navigator.geolocation.watchPosition(onPosition, function () {
      screenEl.textContent = word('gps-error');
    }, { enableHighAccuracy: true, maximumAge: 0, timeout: 60000 });
    keepScreenOn();
  }

  function stopWatching() {
    if (watch !== null) {
      navigator.geolocation.clearWatch(watch);
      watch = null;
    }
    letScreenOff();
  }

  // The lock is dropped when the page is hidden; it is asked for again on return.
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible' && track && track.state === 'recording') {
      keepScreenOn();
    }
  });

  startBtn.addEventListener('click', function () {
    track.state = 'recording';
    track.segments.push([]);
    save();
    show();
    startWatching();
  });

  pauseBtn.addEventListener('click', function () {
    stopWatching();
    track.state = 'paused';
    save();
    show();
  });

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }[c];
    });
  }

  function iso(ms) {
    return new Date(ms).toISOString();
  }

  function gpx(t) {
    var out = ['<?xml version="1.0" encoding="UTF-8"?>',
      '<gpx version="1.1" creator="Sinergi" xmlns="http://www.topografix.com/GPX/1/1">'];
    t.waypoints.forEach(function (w) {
      out.push('<wpt lat="' + w.lat.toFixed(7) + '" lon="' + w.lon.toFixed(7) + '"><time>' + iso(w.time) +
        '</time>' + (w.name ? '<name>' + esc(w.name) + '</name>' : '') + '</wpt>');
    });
    out.push('<trk><name>' + esc(box.getAttribute('data-patrol-title')) + '</name>');
    t.segments.forEach(function (s) {
      if (!s.length) {
        return;
      }
      out.push('<trkseg>');
      s.forEach(function (p) {
        out.push('<trkpt lat="' + p.lat.toFixed(7) + '" lon="' + p.lon.toFixed(7) + '">' +
          (typeof p.ele === 'number' ? '<ele>' + p.ele.toFixed(1) + '</ele>' : '') +
          '<time>' + iso(p.time) + '</time></trkpt>');
      });
      out.push('</trkseg>');
    });
    out.push('</trk></gpx>');
    return out.join('\n');
  }

  stopBtn.addEventListener('click', function () {
    stopWatching();
    var done = track;
    if (points() === 0) {
      statusEl.textContent = word('empty');
      return;
    }
    stopBtn.disabled = true;
    saving.then(function () {
      return SinergiOutbox.add({
        kind: 'gpx', user: USER, patrol: PATROL,
        label: word('label').replace('{title}', box.getAttribute('data-patrol-title')),
        gpx: gpx(done),
      });
    }).then(function () {
      return SinergiOutbox.dropTrack(PATROL);
    }).then(function () {
      track = fresh();
      show();
      statusEl.textContent = word('queued');
      if (navigator.onLine !== false) {
        SinergiOutbox.sendAll().catch(function () { /* Retried on the next open. */ });
      }
    }, function (e) {
      statusEl.textContent = String(e);
      stopBtn.disabled = false;
    });
  });

  // A waypoint: the last recorded position (else the current one), a name, a photo.
  wpForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var name = document.getElementById('rekam-nama').value.trim();
    var type = document.getElementById('rekam-jenis').value;
    var typeLabel = type ? document.getElementById('rekam-jenis').selectedOptions[0].textContent : '';
    var file = document.getElementById('rekam-foto').files[0] || null;
    var say = function (text, kind) {
      wpMsg.textContent = text;
      wpMsg.className = 'pesan ' + kind;
      wpMsg.hidden = false;
    };
    if (file && !type) {
      say(word('photo-needs-type'), 'galat');
      return;
    }
    var add = function (pos) {
      var w = { lon: pos.lon, lat: pos.lat, time: Date.now(), name: name, photo: !!file };
      track.waypoints.push(w);
      var steps = [save()];
      if (type) {
        var when = new Date(w.time);
        var off = -when.getTimezoneOffset();
        var pad = function (n) { return String(n).padStart(2, '0'); };
        var local = new Date(w.time + off * 60000).toISOString().slice(0, 19);
        var at = local + (off >= 0 ? '+' : '-') + pad(Math.floor(Math.abs(off) / 60)) + ':' + pad(Math.abs(off) % 60);
        steps.push(SinergiOutbox.add({
          kind: 'report', user: USER, origin: 'patrol', label: name || typeLabel,
          body: {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [w.lon, w.lat] },
            properties: { type: type, title: name || typeLabel, occurred_at: at, sensitivity: 'internal', attributes: {} },
          },
          photos: file ? [{ name: file.name, blob: file }] : [],
        }));
      }
      Promise.all(steps).then(function () {
        wpForm.reset();
        say(word('waypoint-saved'), 'sukses');
        show();
      }, function (e) { say(String(e), 'galat'); });
    };
    var last = lastPoint();
    if (last && Date.now() - last.time < 120000) {
      add(last);
      return;
    }
    if (!('geolocation' in navigator)) {
      say(word('no-position'), 'galat');
      return;
    }
    navigator.geolocation.getCurrentPosition(function (p) {
      add({ lon: p.coords.longitude, lat: p.coords.latitude });
    }, function () {
      if (last) {
        add(last);
      } else {
        say(word('no-position'), 'galat');
      }
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 30000 });
  });

  // A recording that was under way when the page closed goes on where it stopped.
  SinergiOutbox.track(PATROL).then(function (t) {
    track = t && t.user === USER ? t : fresh();
    if (track.state === 'recording') {
      track.segments.push([]);
      save();
      startWatching();
    }
    show();
  });
}());
