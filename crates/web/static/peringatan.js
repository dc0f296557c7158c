// Early warning's progressive enhancement. Every page works without this file; with it:
//   #daftar-peringatan  the live board: new alerts from /api/v1/alerts/stream (Server-Sent
//                       Events, signed in by the session cookie) are put at the top as a
//                       copy of the card the server renders into #templat-peringatan,
//                       filled from /peringatan/{id}/kartu (the server's words, local time
//                       and zone); a new card flashes, the title counts new alerts until
//                       the page is used, and ages ("3 menit lalu") keep up;
//   #peta-peringatan    the board's map: areas (/api/v1/fences), alerts, and each subject's
//                       track of the last 24 hours (/api/v1/subjects/{id}/track);
//   #peta-titik         one alert's position and area;
//   #peta-area          the areas of the area page;
//   #peta-gambar        the drawing tool: taps add points, written to the hidden
//                       #bentuk-peta field as a GeoJSON Polygon or LineString;
//   #form-aturan        shows only the fields the chosen trigger and subject choice use;
//   #peta-jejak         one subject's track.
// Text is only ever inserted with textContent, never as HTML. No tile layer is added: the
// maps draw the shipped boundaries (map.js's base map), so they need no other server.
(function () {
  'use strict';

  var SEV = { info: '#1e5aa8', warning: '#c77a00', critical: '#b3261e' };

  function json(id) {
    var el = document.getElementById(id);
    if (!el) {
      return null;
    }
    try {
      return JSON.parse(el.textContent);
    } catch (e) {
      return null;
    }
  }

  function getJSON(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.json();
      });
  }

  function ageText(text, iso, now) {
    var t = Date.parse(iso);
    if (isNaN(t)) {
      return '';
    }
    var s = Math.max(0, (now - t) / 1000);
    if (s < 60) {
      return text.just_now || '';
    }
    if (s < 3600) {
      return (text.minutes_ago || '{n}').replace('{n}', String(Math.floor(s / 60)));
    }
    if (s < 86400) {
      return (text.hours_ago || '{n}').replace('{n}', String(Math.floor(s / 3600)));
    }
    return (text.days_ago || '{n}').replace('{n}', String(Math.floor(s / 86400)));
  }

  function alertMarker(a, text) {
    var m = L.circleMarker([a.lat, a.lon], {
      radius: 8, color: '#fff', weight: 2, fillColor: SEV[a.severity] || SEV.warning, fillOpacity: 0.95
    });
    m.bindPopup(function () {
      var box = document.createElement('div');
      box.className = 'popup-laporan';
      var link = document.createElement('a');
      link.href = '/peringatan/' + encodeURIComponent(a.id);
      link.textContent = a.headline || (text && text.open) || '';
      box.appendChild(link);
      return box;
    }, { maxWidth: 260 });
    m.on('add', function () {
      var e = m.getElement ? m.getElement() : null;
      if (e) {
        e.setAttribute('data-alert-id', a.id);
      }
    });
    return m;
  }

  function fenceStyle(f) {
    var off = f && f.properties && f.properties.active === false;
    return { color: off ? '#8a9690' : '#1d5c3f', weight: 2, fillOpacity: off ? 0.03 : 0.1, dashArray: off ? '4 4' : null };
  }

  function fenceLayer(fc) {
    return L.geoJSON(fc, {
      style: fenceStyle,
      onEachFeature: function (f, l) {
        if (f.properties && f.properties.name) {
          l.bindTooltip(String(f.properties.name));
        }
      }
    });
  }

  function startView(map, center) {
    var c = center || {};
    map.setView([Number(c.lat) || -2.5, Number(c.lon) || 118], Number(c.zoom) || 5);
  }

  function fitAll(map, groups, center) {
    var b = L.latLngBounds([]);
    groups.forEach(function (g) {
      var gb = g.getBounds();
      if (gb.isValid()) {
        b.extend(gb);
      }
    });
    if (b.isValid()) {
      map.fitBounds(b, { maxZoom: 13, padding: [20, 20] });
    } else {
      startView(map, center);
    }
  }

  // ---- the live board ----

  function board(list) {
    var data = json('peringatan-data') || { text: {} };
    var text = data.text || {};
    var status = document.getElementById('status-siaran');
    var empty = document.getElementById('kosong-peringatan');
    var tpl = document.getElementById('templat-peringatan');
    var baseTitle = document.title;
    var unseen = 0;
    var connected = false;
    var sayTimer = null;
    var api = { map: null };

    function say(msg) {
      if (status) {
        status.textContent = msg || '';
        status.classList.toggle('putus', !connected);
      }
    }

    function refreshAges() {
      var now = Date.now();
      list.querySelectorAll('[data-umur]').forEach(function (el) {
        var t = ageText(text, el.getAttribute('data-umur'), now);
        if (t) {
          el.textContent = t;
        }
      });
    }
    setInterval(refreshAges, 30000);

    function countTitle() {
      document.title = unseen > 0 ? '(' + unseen + ') ' + baseTitle : baseTitle;
    }

    function seen() {
      if (unseen > 0 && !document.hidden) {
        unseen = 0;
        countTitle();
      }
    }
    ['click', 'keydown', 'touchstart'].forEach(function (name) {
      document.addEventListener(name, seen, { passive: true });
    });

    function fill(card, c) {
      card.id = 'peringatan-' + c.id;
      card.setAttribute('data-alert-id', c.id);
      card.className = 'kartu-peringatan kp-' + c.severity + ' kp-status-' + c.status + ' baru';
      card.querySelectorAll('[data-isi]').forEach(function (el) {
        var key = el.getAttribute('data-isi');
        var v = c[key];
        el.textContent = v === null || v === undefined ? '' : String(v);
        if (key === 'severity_label') {
          el.className = 'lencana tingkat-' + c.severity;
        } else if (key === 'status_label') {
          el.className = 'lencana kp-st-' + c.status;
        } else if (key === 'rule_name' && v) {
          var part = el.closest('.kp-aturan');
          if (part) {
            part.hidden = false;
          }
        }
      });
      var time = card.querySelector('time');
      if (time) {
        time.setAttribute('datetime', c.iso || '');
      }
      var age = card.querySelector('[data-umur]');
      if (age) {
        age.setAttribute('data-umur', c.iso || '');
      }
      var link = card.querySelector('a[data-isi="headline"]');
      if (link) {
        link.href = '/peringatan/' + encodeURIComponent(c.id);
      }
      card.querySelectorAll('form[data-langkah]').forEach(function (f) {
        f.action = '/peringatan/' + encodeURIComponent(c.id) + '/' + f.getAttribute('data-langkah');
      });
    }

    function add(c) {
      if (!tpl || !tpl.content || !c || !c.id || document.getElementById('peringatan-' + c.id)) {
        return;
      }
      var card = tpl.content.firstElementChild.cloneNode(true);
      fill(card, c);
      list.insertBefore(card, list.firstChild);
      if (empty) {
        empty.hidden = true;
      }
      unseen += 1;
      countTitle();
      say((text.live_new || '{text}').replace('{text}', c.headline || ''));
      clearTimeout(sayTimer);
      sayTimer = setTimeout(function () { say(connected ? text.live_on : text.live_off); }, 10000);
      setTimeout(function () { card.classList.remove('baru'); }, 6000);
      if (api.map && typeof c.lat === 'number' && typeof c.lon === 'number') {
        api.map.addAlert(c);
      }
    }

    // When the card cannot be fetched, the stream's own data still says enough.
    function fallback(v) {
      var words = [v.subject_name, v.kind, v.fence_name].filter(function (x) { return x; });
      return {
        id: v.id, severity: v.severity || 'warning', status: v.status || 'open',
        severity_label: v.severity || '', status_label: v.status || '',
        headline: words.join(' '), time: v.at, iso: v.at, age: ageText(text, v.at, Date.now()),
        place: typeof v.lat === 'number' ? v.lat.toFixed(5) + ', ' + v.lon.toFixed(5) : '',
        rule_name: v.rule_name || '', lon: v.lon, lat: v.lat
      };
    }

    function fromStream(v) {
      if (!v || !v.id || document.getElementById('peringatan-' + v.id)) {
        return;
      }
      getJSON('/peringatan/' + encodeURIComponent(v.id) + '/kartu')
        .then(add)
        .catch(function () { add(fallback(v)); });
    }

    if (list.getAttribute('data-langsung') === '1' && window.EventSource) {
      var es = new EventSource('/api/v1/alerts/stream');
      es.addEventListener('open', function () {
        connected = true;
        list.setAttribute('data-tersambung', '1');
        say(text.live_on);
      });
      es.addEventListener('error', function () {
        connected = false;
        list.setAttribute('data-tersambung', '0');
        say(text.live_off);
      });
      es.addEventListener('alert', function (ev) {
        var v;
        try {
          v = JSON.parse(ev.data);
        } catch (e) {
          return;
        }
        fromStream(v);
      });
      // Someone responded: the card takes the new status (and loses its buttons when closed).
      es.addEventListener('update', function (ev) {
        var v;
        try {
          v = JSON.parse(ev.data);
        } catch (e) {
          return;
        }
        var old = v && v.id ? document.getElementById('peringatan-' + v.id) : null;
        if (!old) {
          return;
        }
        getJSON('/peringatan/' + encodeURIComponent(v.id) + '/kartu').then(function (c) {
          if (c.status === 'closed') {
            old.remove();
            return;
          }
          var card = tpl.content.firstElementChild.cloneNode(true);
          fill(card, c);
          card.classList.remove('baru');
          old.replaceWith(card);
        }).catch(function () {});
      });
      window.addEventListener('pagehide', function () { es.close(); });
    }
    return api;
  }

  // ---- the board's map ----

  function boardMap(el, data) {
    var text = data.text || {};
    var map = window.SinergiPeta.baseMap(el, { scrollWheelZoom: false });
    startView(map, data.center);
    var fences = L.featureGroup().addTo(map);
    var tracks = L.featureGroup().addTo(map);
    var alerts = L.featureGroup().addTo(map);
    var note = document.getElementById('peta-status');
    var failed = false;
    (data.alerts || []).forEach(function (a) { alerts.addLayer(alertMarker(a, text)); });

    var loadFences = getJSON('/api/v1/fences')
      .then(function (fc) { fenceLayer(fc).addTo(fences); })
      .catch(function () { failed = true; });

    var loadTracks = getJSON('/api/v1/subjects')
      .then(function (d) {
        var subjects = (d.subjects || []).slice(0, 50);
        return Promise.all(subjects.map(function (s) {
          var url = '/api/v1/subjects/' + encodeURIComponent(s.id) + '/track?since=' + encodeURIComponent(data.since || '');
          return getJSON(url).then(function (f) {
            var coords = (f.geometry && f.geometry.coordinates) || [];
            if (coords.length === 0) {
              return;
            }
            var latlngs = coords.map(function (c) { return [c[1], c[0]]; });
            L.polyline(latlngs, { color: '#1e5aa8', weight: 3, opacity: 0.8 }).addTo(tracks);
            var last = latlngs[latlngs.length - 1];
            L.circleMarker(last, { radius: 5, color: '#1e5aa8', weight: 2, fillColor: '#fff', fillOpacity: 1 })
              .bindTooltip(String(s.name || ''))
              .addTo(tracks);
          });
        }));
      })
      .catch(function () { failed = true; });

    Promise.all([loadFences, loadTracks]).then(function () {
      fitAll(map, [fences, tracks, alerts], data.center);
      el.setAttribute('data-loaded', '1');
      if (failed && note) {
        note.textContent = text.map_failed || '';
      }
    });

    return {
      addAlert: function (a) {
        alerts.addLayer(alertMarker(a, text));
      }
    };
  }

  // ---- one alert's map ----

  function pointMap(el) {
    var d = json('titik-data');
    var map = window.SinergiPeta.baseMap(el, { scrollWheelZoom: false, dragging: !L.Browser.mobile, tap: false });
    if (!d) {
      map.fitBounds(window.SinergiPeta.INDONESIA);
      return;
    }
    var group = L.featureGroup().addTo(map);
    if (d.fence) {
      L.geoJSON(d.fence, { style: fenceStyle }).addTo(group);
    }
    L.circleMarker([d.lat, d.lon], {
      radius: 9, color: '#fff', weight: 2, fillColor: SEV[d.severity] || SEV.warning, fillOpacity: 0.95
    }).addTo(group);
    if (d.fence) {
      map.fitBounds(group.getBounds(), { maxZoom: 14, padding: [20, 20] });
    } else {
      map.setView([d.lat, d.lon], 12);
    }
  }

  // ---- the area page: the list's map and the drawing tool ----

  function areaMap(el, data) {
    var map = window.SinergiPeta.baseMap(el, { scrollWheelZoom: false });
    var group = L.featureGroup().addTo(map);
    if (data.fences) {
      fenceLayer(data.fences).addTo(group);
    }
    fitAll(map, [group], data.center);
  }

  function drawTool(el, data) {
    var text = data.text || {};
    var out = document.getElementById('bentuk-peta');
    var count = document.getElementById('jumlah-titik');
    var map = window.SinergiPeta.baseMap(el, { scrollWheelZoom: false, doubleClickZoom: false });
    if (data.fences) {
      L.geoJSON(data.fences, { style: { color: '#8a9690', weight: 1.5, fillOpacity: 0.05 }, interactive: false }).addTo(map);
    }
    var pts = [];
    var shape = null;
    var dots = L.layerGroup().addTo(map);

    function mode() {
      var r = document.querySelector('input[name="jenis_gambar"]:checked');
      return r && r.value === 'garis' ? 'garis' : 'area';
    }

    function r6(x) {
      return Math.round(x * 1e6) / 1e6;
    }

    function write() {
      var c = pts.map(function (p) { return [r6(p.lng), r6(p.lat)]; });
      var g = null;
      if (mode() === 'area' && c.length >= 3) {
        g = { type: 'Polygon', coordinates: [c.concat([c[0]])] };
      } else if (mode() === 'garis' && c.length >= 2) {
        g = { type: 'LineString', coordinates: c };
      }
      out.value = g ? JSON.stringify(g) : '';
      if (count) {
        count.textContent = (text.points || '{n}').replace('{n}', String(pts.length));
      }
    }

    function redraw() {
      if (shape) {
        map.removeLayer(shape);
        shape = null;
      }
      dots.clearLayers();
      var style = { color: '#b3261e', weight: 3, fillOpacity: 0.15 };
      if (pts.length >= 2) {
        shape = (mode() === 'area' && pts.length >= 3 ? L.polygon(pts, style) : L.polyline(pts, style)).addTo(map);
      }
      pts.forEach(function (p) {
        L.circleMarker(p, { radius: 5, color: '#b3261e', weight: 2, fillColor: '#fff', fillOpacity: 1, interactive: false }).addTo(dots);
      });
      write();
    }

    // What the server sent back (a refused form keeps its drawing).
    try {
      var g = out.value ? JSON.parse(out.value) : null;
      var coords = g && g.type === 'Polygon' ? (g.coordinates[0] || []).slice(0, -1)
        : g && g.type === 'LineString' ? g.coordinates : [];
      pts = coords.map(function (c) { return L.latLng(c[1], c[0]); });
    } catch (e) {
      pts = [];
    }

    function reset() {
      map.invalidateSize();
      if (pts.length > 0) {
        map.fitBounds(L.latLngBounds(pts), { maxZoom: 14, padding: [30, 30] });
      } else {
        startView(map, data.center);
      }
    }

    map.on('click', function (e) {
      pts.push(e.latlng.wrap());
      redraw();
    });
    document.getElementById('gambar-urung').addEventListener('click', function () {
      pts.pop();
      redraw();
    });
    document.getElementById('gambar-ulang').addEventListener('click', function () {
      pts = [];
      redraw();
    });
    document.querySelectorAll('input[name="jenis_gambar"]').forEach(function (r) {
      r.addEventListener('change', redraw);
    });
    reset();
    redraw();
    return { reset: reset };
  }

  // The sections of the area form: only the chosen way of giving the shape is shown.
  function areaForm(form, tool) {
    var parts = form.querySelectorAll('.bagian-cara');
    function show() {
      var r = form.querySelector('input[name="cara"]:checked');
      var v = r ? r.value : 'wilayah';
      parts.forEach(function (p) { p.hidden = p.getAttribute('data-cara') !== v; });
      if (v === 'peta' && tool) {
        tool.reset();
      }
    }
    form.querySelectorAll('input[name="cara"]').forEach(function (r) { r.addEventListener('change', show); });
    show();
    var file = document.getElementById('bentuk-berkas');
    var area = document.getElementById('bentuk');
    if (file && area && window.FileReader) {
      file.addEventListener('change', function () {
        var f = file.files && file.files[0];
        if (!f) {
          return;
        }
        var reader = new FileReader();
        reader.onload = function () { area.value = String(reader.result || ''); };
        reader.readAsText(f);
      });
    }
  }

  // ---- the rule form ----

  function ruleForm(form) {
    var trig = form.querySelector('#r-pemicu');
    function showTrigger() {
      form.querySelectorAll('.pemicu-rinci').forEach(function (el) {
        el.hidden = el.getAttribute('data-pemicu') !== trig.value;
      });
    }
    function showWho() {
      var r = form.querySelector('input[name="sasaran"]:checked');
      var v = r ? r.value : 'any';
      form.querySelectorAll('.sasaran-rinci').forEach(function (el) {
        el.hidden = el.getAttribute('data-sasaran') !== v;
      });
    }
    if (trig) {
      trig.addEventListener('change', showTrigger);
      showTrigger();
    }
    form.querySelectorAll('input[name="sasaran"]').forEach(function (r) { r.addEventListener('change', showWho); });
    showWho();
  }

  // ---- one subject's track ----

  function trackMap(el) {
    var d = json('jejak-data') || {};
    var map = window.SinergiPeta.baseMap(el, { scrollWheelZoom: false, dragging: !L.Browser.mobile, tap: false });
    var group = L.featureGroup().addTo(map);
    var coords = (d.track || []).map(function (c) { return [c[1], c[0]]; });
    if (coords.length > 0) {
      L.polyline(coords, { color: '#1e5aa8', weight: 3 }).addTo(group);
      L.circleMarker(coords[0], { radius: 4, color: '#1e5aa8', fillColor: '#fff', fillOpacity: 1 }).addTo(group);
      L.circleMarker(coords[coords.length - 1], { radius: 7, color: '#fff', weight: 2, fillColor: '#1e5aa8', fillOpacity: 1 })
        .bindTooltip(String(d.name || '') + (d.last_time ? ' · ' + d.last_time : ''))
        .addTo(group);
    }
    (d.alerts || []).forEach(function (a) { group.addLayer(alertMarker(a, null)); });
    fitAll(map, [group], d.center);
  }

  // ---- start ----

  var el;
  var hasMaps = !!(window.L && window.SinergiPeta);
  if (hasMaps) {
    L.Icon.Default.imagePath = '/static/images/';
  }
  var list = document.getElementById('daftar-peringatan');
  if (list) {
    var live = board(list);
    if (hasMaps && (el = document.getElementById('peta-peringatan'))) {
      live.map = boardMap(el, json('peringatan-data') || {});
    }
  }
  if (hasMaps && (el = document.getElementById('peta-titik'))) {
    pointMap(el);
  }
  var areaData = json('area-data') || {};
  if (hasMaps && (el = document.getElementById('peta-area'))) {
    areaMap(el, areaData);
  }
  var areaFormEl = document.getElementById('form-area');
  if (areaFormEl) {
    var tool = hasMaps && (el = document.getElementById('peta-gambar')) ? drawTool(el, areaData) : null;
    areaForm(areaFormEl, tool);
  }
  var rules = document.getElementById('form-aturan');
  if (rules) {
    ruleForm(rules);
  }
  if (hasMaps && (el = document.getElementById('peta-jejak'))) {
    trackMap(el);
  }
})();
