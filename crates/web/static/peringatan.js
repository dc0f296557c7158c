// Early warning's progressive enhancement. Every page works without this file; with it:
//   #daftar-peringatan  the live board: new alerts from /api/v1/alerts/stream (Server-Sent
//                       Events, signed in by the session cookie) are put where the board's
//                       order puts them (most severe first, then newest, as the server
//                       sorts: ADR 7) as a copy of the card the server renders into
//                       #templat-peringatan, filled from /peringatan/{id}/kartu (the
//                       server's words, local time and zone); a new card flashes, the title
//                       counts new alerts until the page is used, ages ("3 menit lalu") keep
//                       up, and with the #bunyi-peringatan option on (remembered in
//                       localStorage) a new alert beeps (WebAudio) and vibrates the phone;
//   #peta-peringatan    the board's map: areas (/api/v1/fences), alerts (clustered when
//                       close together), and each subject's
//                       track of the last 24 hours (/api/v1/subjects/{id}/track);
//   #peta-titik         one alert's position and area;
//   #peta-area          the areas of the area page;
//   #peta-gambar        the drawing tool: taps add points, dragging a point moves it
//                       (an edited area starts with its stored points), written to the
//                       hidden #bentuk-peta field as a GeoJSON Polygon or LineString;
//                       #desa-tercakup lists the villages an area covers as it is drawn;
//   #a-cari-wilayah     the area forms' region search: matches of /api/v1/regions?q= as
//                       the user types, with level and the regions they lie in, picked
//                       with the mouse or arrow keys and Enter into the form's `wilayah`
//                       field (without the script, the form's "Cari" step lists them);
//   #form-aturan        shows only the fields the chosen trigger and subject choice use;
//   #peta-jejak         one subject's track.
// Text is only ever inserted with textContent, never as HTML: tooltips and popups get DOM
// nodes (Leaflet would insert a string as HTML). The maps are map.js's base map (the view's
// boundaries, place names and search, and the configured tiles, if any).
(function () {
  'use strict';

  var SEV = { info: '#1e5aa8', warning: '#c77a00', critical: '#b3261e' };
  // The board's order: most severe first (ADR 7).
  var RANK = { critical: 3, warning: 2, info: 1 };

  // A tooltip's or popup's content as a text node in a span, never parsed as HTML.
  function textBox(text) {
    var span = document.createElement('span');
    span.textContent = text === null || text === undefined ? '' : String(text);
    return span;
  }

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
      radius: 8, color: '#fff', weight: 2, fillColor: SEV[a.severity] || SEV.warning, fillOpacity: 0.95,
      alert: { id: a.id, severity: a.severity }
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
          l.bindTooltip(textBox(f.properties.name));
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

  // ---- sound and vibration for new alerts ----

  // The board's option to beep and vibrate when a new alert arrives on the live stream.
  // The choice is remembered in localStorage. Browsers only let a page make sound after
  // the user touched it, so the audio is unlocked by turning the option on, or by the
  // first tap on the page when it was already on. No sound file: a WebAudio beep.
  function alarmOption(box) {
    var KEY = 'sinergi.peringatan.bunyi';
    var ctx = null;

    function stored() {
      try {
        return window.localStorage.getItem(KEY) === '1';
      } catch (e) {
        return false;
      }
    }

    function store(on) {
      try {
        window.localStorage.setItem(KEY, on ? '1' : '0');
      } catch (e) { /* Private mode: the option lasts as long as the page. */ }
    }

    function audio() {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) {
        return null;
      }
      if (!ctx) {
        try {
          ctx = new Ctx();
        } catch (e) {
          return null;
        }
      }
      if (ctx.state === 'suspended' && ctx.resume) {
        ctx.resume().catch(function () {});
      }
      return ctx;
    }

    function beep(times) {
      var a = audio();
      if (!a) {
        return;
      }
      for (var i = 0; i < times; i++) {
        var start = a.currentTime + i * 0.35;
        var osc = a.createOscillator();
        var gain = a.createGain();
        osc.type = 'square';
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.25);
        osc.connect(gain);
        gain.connect(a.destination);
        osc.start(start);
        osc.stop(start + 0.26);
      }
    }

    function vibrate(pattern) {
      if (navigator.vibrate) {
        try {
          navigator.vibrate(pattern);
        } catch (e) { /* Not allowed here: the beep still sounds. */ }
      }
    }

    function on() {
      return !!(box && box.checked);
    }

    if (box) {
      box.checked = stored();
      var wrap = box.closest('.js-tampil');
      if (wrap) {
        wrap.hidden = false;
      }
      box.addEventListener('change', function () {
        store(box.checked);
        if (box.checked) {
          // The user's own tap unlocks the audio; one short beep says it works.
          beep(1);
          vibrate(100);
        }
      });
      var unlock = function () {
        if (on()) {
          audio();
        }
        ['click', 'keydown', 'touchstart'].forEach(function (n) { document.removeEventListener(n, unlock); });
      };
      ['click', 'keydown', 'touchstart'].forEach(function (n) { document.addEventListener(n, unlock, { passive: true }); });
    }

    return {
      ring: function (severity) {
        if (!on()) {
          return;
        }
        var critical = severity === 'critical';
        beep(critical ? 3 : 1);
        vibrate(critical ? [400, 150, 400, 150, 400] : [250]);
      }
    };
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
    var alarm = alarmOption(document.getElementById('bunyi-peringatan'));

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
      card.setAttribute('data-tingkat', c.severity || '');
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
      list.insertBefore(card, placeBefore(c));
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
      alarm.ring(c.severity);
    }

    // The card a new alert goes before, in the board's order: the first that is less
    // severe, or as severe and older (null: at the end).
    function placeBefore(c) {
      var rank = RANK[c.severity] || 0;
      var at = Date.parse(c.iso || '') || 0;
      var cards = list.querySelectorAll('.kartu-peringatan');
      for (var i = 0; i < cards.length; i++) {
        var other = cards[i];
        var r = RANK[other.getAttribute('data-tingkat')] || 0;
        var time = other.querySelector('time');
        var t = (time && Date.parse(time.getAttribute('datetime') || '')) || 0;
        if (r < rank || (r === rank && t <= at)) {
          return other;
        }
      }
      return null;
    }

    // When the card cannot be fetched, the stream's own data still says enough, in the
    // words the server gave for its keys (never the keys themselves).
    function fallback(v) {
      var kinds = text.kinds || {};
      var words = [v.subject_name, kinds[v.kind] || '', v.fence_name].filter(function (x) { return x; });
      var severity = v.severity || 'warning';
      var state = v.status || 'open';
      return {
        id: v.id, severity: severity, status: state,
        severity_label: (text.severities || {})[severity] || '',
        status_label: (text.statuses || {})[state] || '',
        // The local time needs the place's zone, which only the server's card knows;
        // the age ("2 menit lalu") says when.
        headline: words.join(' '), time: '', iso: v.at, age: ageText(text, v.at, Date.now()),
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

  // A cluster of alerts: how many, coloured by the most severe, naming the alerts it holds
  // (data-alert-ids), so each alert can be found on the map even when clustered.
  function alertCluster(cluster) {
    var children = cluster.getAllChildMarkers();
    var worst = 'info';
    var ids = [];
    children.forEach(function (m) {
      var a = m.options.alert || {};
      if ((RANK[a.severity] || 0) > (RANK[worst] || 0)) {
        worst = a.severity;
      }
      ids.push(a.id);
    });
    var n = children.length;
    var box = document.createElement('div');
    box.setAttribute('data-alert-ids', ids.join(' '));
    box.style.backgroundColor = SEV[worst] || SEV.warning;
    var count = document.createElement('span');
    count.textContent = String(n);
    box.appendChild(count);
    return L.divIcon({
      html: box,
      className: 'marker-cluster kluster-peringatan marker-cluster-' + (n < 10 ? 'small' : n < 100 ? 'medium' : 'large'),
      iconSize: L.point(40, 40)
    });
  }

  function boardMap(el, data) {
    var text = data.text || {};
    var map = window.SinergiPeta.baseMap(el, { scrollWheelZoom: false, search: true });
    startView(map, data.center);
    var fences = L.featureGroup().addTo(map);
    var tracks = L.featureGroup().addTo(map);
    // Alerts close together are clustered like the reports' pins (an alert's position is
    // always exact: only its responders see it, ADR 7).
    var alerts = (L.markerClusterGroup
      ? L.markerClusterGroup({
        showCoverageOnHover: false,
        maxClusterRadius: 40,
        spiderfyOnMaxZoom: true,
        iconCreateFunction: alertCluster
      })
      : L.featureGroup()).addTo(map);
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
              .bindTooltip(textBox(s.name || ''))
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
    var map = window.SinergiPeta.baseMap(el, { scrollWheelZoom: false, search: true });
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
    var map = window.SinergiPeta.baseMap(el, { scrollWheelZoom: false, doubleClickZoom: false, search: true });
    if (data.fences) {
      L.geoJSON(data.fences, { style: { color: '#8a9690', weight: 1.5, fillOpacity: 0.05 }, interactive: false }).addTo(map);
    }
    var pts = [];
    var shape = null;
    var dots = L.layerGroup().addTo(map);
    var covered = coveredVillages(document.getElementById('desa-tercakup'), el.closest('form'));

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
      covered.ask(g && g.type === 'Polygon' ? g : null);
    }

    function redraw() {
      if (shape) {
        map.removeLayer(shape);
        shape = null;
      }
      dots.clearLayers();
      var style = { color: '#b3261e', weight: 3, fillOpacity: 0.15, interactive: false };
      if (pts.length >= 2) {
        shape = (mode() === 'area' && pts.length >= 3 ? L.polygon(pts, style) : L.polyline(pts, style)).addTo(map);
      }
      // Each point is a marker that can be dragged to move it; the shape follows.
      pts.forEach(function (p, i) {
        var m = L.marker(p, {
          draggable: true,
          keyboard: false,
          icon: L.divIcon({ className: 'leaflet-div-icon titik-gambar', iconSize: [12, 12] })
        });
        m.on('drag', function (e) {
          pts[i] = e.target.getLatLng().wrap();
          if (shape) {
            shape.setLatLngs(pts);
          }
        });
        m.on('dragend', function () {
          write();
        });
        m.addTo(dots);
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

  // Which villages the shape being drawn covers: /api/v1/regions/covered (villages whose
  // centre lies inside) asked a moment after the last change, the stale answer dropped;
  // a shape holding no village's centre names the village its middle lies in.
  function coveredVillages(box, form) {
    var words = ((json('peta-dasar') || {}).text) || {};
    var timer = null;
    var asked = 0;
    var SHOWN = 12;

    function show(d) {
      box.textContent = '';
      var p = document.createElement('p');
      var names = [];
      if (d.count > 0) {
        p.textContent = (words.covers_villages || '{n}').replace('{n}', String(d.count));
        names = d.villages.slice(0, SHOWN);
      } else if (d.centre) {
        p.textContent = words.covers_centre || '';
        names = [d.centre];
      } else {
        p.textContent = words.covers_none || '';
      }
      box.appendChild(p);
      if (names.length) {
        var ul = document.createElement('ul');
        names.forEach(function (r) {
          var li = document.createElement('li');
          li.setAttribute('data-kode', r.code);
          li.textContent = [r.name].concat((r.parents || []).slice(0, 2).map(function (x) { return x.name; })).join(', ');
          ul.appendChild(li);
        });
        box.appendChild(ul);
      }
      if (d.count > SHOWN) {
        var more = document.createElement('p');
        more.textContent = (words.covers_more || '{n}').replace('{n}', String(d.count - SHOWN));
        box.appendChild(more);
      }
    }

    return {
      ask: function (geometry) {
        if (!box) {
          return;
        }
        clearTimeout(timer);
        var mine = ++asked;
        if (!geometry) {
          box.textContent = words.covers_none || '';
          return;
        }
        timer = setTimeout(function () {
          var csrf = form && form.querySelector('input[name="_csrf"]');
          fetch('/api/v1/regions/covered', {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf ? csrf.value : '' },
            body: JSON.stringify({ geometry: geometry })
          })
            .then(function (r) {
              if (!r.ok) {
                throw new Error('HTTP ' + r.status);
              }
              return r.json();
            })
            .then(function (d) {
              if (mine === asked) {
                show(d);
              }
            })
            .catch(function () { /* The drawing works without the list. */ });
        }, 400);
      }
    };
  }

  // The region search of the area forms: a combobox over /api/v1/regions?q=. Picking a
  // match puts its code into the form's `wilayah` field (replacing the server's list of
  // matches, if one is shown) and says which region is chosen.
  function regionSearch(form, text) {
    var input = document.getElementById('a-cari-wilayah');
    var list = document.getElementById('saran-wilayah');
    var status = document.getElementById('status-cari-wilayah');
    var chosen = document.getElementById('wilayah-terpilih');
    var button = document.getElementById('tombol-cari-wilayah');
    if (!input || !list) {
      return;
    }
    var words = text.regions || {};
    var levels = words.levels || {};
    var found = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    // No style sheet rule is needed: the list is laid out here.
    list.style.cssText = 'list-style:none;margin:.25rem 0 0;padding:0;border:1px solid #8a9690;' +
      'border-radius:6px;max-height:16rem;overflow-y:auto;background:#fff';

    function label(r) {
      var parts = [levels[r.level] || r.level];
      (r.parents || []).slice(0, 2).forEach(function (p) { parts.push(p.name); });
      return r.name + ' — ' + parts.join(', ') + ' (' + r.code + ')';
    }

    function say(msg) {
      if (status) {
        status.textContent = msg;
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function highlight(i) {
      var items = list.querySelectorAll('[role="option"]');
      items.forEach(function (li, j) {
        var on = j === i;
        li.setAttribute('aria-selected', on ? 'true' : 'false');
        li.style.background = on ? '#e6efe9' : '';
      });
      active = i;
      if (i >= 0 && items[i]) {
        input.setAttribute('aria-activedescendant', items[i].id);
        items[i].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function pick(r) {
      var server = document.getElementById('hasil-cari-server');
      if (server) {
        server.remove();
      }
      var field = form.querySelector('input[type="hidden"][name="wilayah"]');
      if (!field) {
        field = document.createElement('input');
        field.type = 'hidden';
        field.name = 'wilayah';
        field.id = 'a-wilayah';
        document.getElementById('pilih-wilayah-blok').appendChild(field);
      }
      field.value = r.code;
      if (chosen) {
        chosen.textContent = '';
        chosen.appendChild(document.createTextNode((words.chosen || '') + ': '));
        var b = document.createElement('strong');
        b.textContent = label(r);
        chosen.appendChild(b);
      }
      var how = form.querySelector('input[name="cara"][value="wilayah"]');
      if (how && !how.checked) {
        how.checked = true;
        how.dispatchEvent(new Event('change'));
      }
      input.value = '';
      say('');
      close();
    }

    function show(q, regions) {
      found = regions;
      list.textContent = '';
      regions.forEach(function (r, i) {
        var li = document.createElement('li');
        li.id = 'saran-wilayah-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.style.cssText = 'padding:.4rem .6rem;cursor:pointer;border-bottom:1px solid #eef1ef';
        li.textContent = label(r);
        // mousedown, not click: the input must not lose the list before the pick.
        li.addEventListener('mousedown', function (e) {
          e.preventDefault();
          pick(r);
        });
        list.appendChild(li);
      });
      if (regions.length === 0) {
        say((words.none || '{q}').replace('{q}', q));
        close();
        return;
      }
      say((words.found || '{n}').replace('{n}', String(regions.length)));
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      highlight(-1);
    }

    function search(now) {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2 && !now) {
        close();
        say('');
        return;
      }
      if (q.length === 0) {
        return;
      }
      timer = setTimeout(function () {
        var mine = ++asked;
        say(words.searching || '');
        getJSON('/api/v1/regions?limit=12&q=' + encodeURIComponent(q)).then(function (d) {
          if (mine === asked) {
            show(q, d.regions || []);
          }
        }).catch(function () {
          if (mine === asked) {
            say(words.failed || '');
          }
        });
      }, now ? 0 : 250);
    }

    input.addEventListener('input', function () { search(false); });
    input.addEventListener('keydown', function (e) {
      var open = !list.hidden && found.length > 0;
      if (e.key === 'ArrowDown' && open) {
        e.preventDefault();
        highlight(Math.min(active + 1, found.length - 1));
      } else if (e.key === 'ArrowUp' && open) {
        e.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (e.key === 'Enter') {
        // Enter here finds or picks a region; it never submits the form.
        e.preventDefault();
        if (open && active >= 0) {
          pick(found[active]);
        } else if (open && found.length === 1) {
          pick(found[0]);
        } else {
          search(true);
        }
      } else if (e.key === 'Escape' && !list.hidden) {
        e.preventDefault();
        close();
      }
    });
    // Leaving the box closes the list a moment later (a click on a match lands first);
    // coming back to it (the search button gives it the focus again) keeps the list.
    var leaving = null;
    input.addEventListener('blur', function () { leaving = setTimeout(close, 150); });
    input.addEventListener('focus', function () { clearTimeout(leaving); });
    if (button) {
      button.addEventListener('click', function (e) {
        e.preventDefault();
        search(true);
        input.focus();
      });
    }
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
        .bindTooltip(textBox(String(d.name || '') + (d.last_time ? ' · ' + d.last_time : '')))
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
    regionSearch(areaFormEl, areaData.text || {});
  }
  var rules = document.getElementById('form-aturan');
  if (rules) {
    ruleForm(rules);
  }
  if (hasMaps && (el = document.getElementById('peta-jejak'))) {
    trackMap(el);
  }
})();
