// Sinergi's maps, drawn with Leaflet over the shipped Indonesian boundaries of the view
// (/boundaries?bbox=&zoom=, the level and detail fitting the zoom), with the names of
// the places in view, a place search, and the base map's tiles when the administrator
// configured them (#peta-dasar: Sinergi's own MBTiles file at /tiles/…, an online tile
// server, or none, when the maps contact no other server). Three uses here, chosen by
// the element present:
//   #peta         the report map: reports in view from /api/v1/reports, re-fetched
//                 whenever the map moves, each marker tagged with data-report-id; pins
//                 close together are clustered (leaflet.markercluster, embedded) into a
//                 numbered circle that zooms in when tapped; a report delivered with a
//                 coarsened location (properties.access.precision 1000 or 10000 metres,
//                 or "region") is drawn as the grid cell it stands for, or a circle round
//                 the region's centre, never as a pin (and never clustered). The view is
//                 kept in the address (#peta=zoom/lat/lon), so going back to the map
//                 returns to the same place;
//   #peta-detail  one report's geometry (JSON in #geometri; the server sends a coarsened
//                 location as a Feature marked `coarse`, drawn dashed);
//   #peta-pilih   the form's location picker, writing into the #lon/#lat inputs.
// Report text and place names are only ever inserted with textContent, never as HTML.
// The base map is also offered as window.SinergiPeta for /static/peringatan.js and
// /static/patroli.js.
(function () {
  'use strict';
  if (!window.L) {
    return;
  }
  L.Icon.Default.imagePath = '/static/images/';

  // Indonesia, lon 95–141 and lat -11–6: the start view of the report map.
  var INDONESIA = L.latLngBounds([[-11, 95], [6, 141]]);
  
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

  // What the page says about its maps (#peta-dasar): the base map's tile layers and the
  // words of the place search.
  var SETTINGS = json('peta-dasar') || { layers: [], text: {} };
  var WORDS = SETTINGS.text || {};

  // Zooms at which the server adds a level (crates/web/src/maps.rs): regencies become the
  // land at 7, districts are added at 10 and villages (points) at 12.
  var REGENCY_ZOOM = 7;
  var DISTRICT_ZOOM = 10;
  var VILLAGE_ZOOM = 12;
  // Names are shown from this zoom (provinces), each level at the zoom it is drawn.
  var LABEL_MIN_ZOOM = 5;
  var LABEL_MAX = 60;

  // Which level's names a view shows: the finest level the answer holds for the zoom.
  function labelLevel(zoom, levels) {
    if (zoom >= VILLAGE_ZOOM && levels.village) {
      return 'village';
    }
    if (zoom >= DISTRICT_ZOOM && levels.district) {
      return 'district';
    }
    if (zoom >= REGENCY_ZOOM) {
      return 'regency';
    }
    return 'province';
  }

  // The box to ask for: the view with half a view around it, snapped out to the tile grid
  // of the zoom, so a small pan asks the same address again (and the browser's cache
  // answers).
  function boundaryBox(map, z) {
    var b = map.getBounds().pad(0.5);
    var step = 360 / Math.pow(2, z);
    function down(x) { return Math.floor(x / step) * step; }
    function up(x) { return Math.ceil(x / step) * step; }
    var w = Math.max(down(b.getWest()), -180);
    var e = Math.min(up(b.getEast()), 180);
    var s = Math.max(down(b.getSouth()), -85);
    var n = Math.min(up(b.getNorth()), 85);
    if (e <= w || n <= s) {
      return null;
    }
    return [w, s, e, n].map(function (x) { return String(Math.round(x * 1e6) / 1e6); }).join(',');
  }

  // Each region's name at its centre, one level at a time (the finest fitting the zoom),
  // in code order, skipping names that would overlap one already placed. Names are plain
  // elements in their own pane (not markers: they take no taps and are no pins), placed
  // again when the view settles and hidden while it zooms.
  function labelLayer(map) {
    map.createPane('nama');
    var pane = map.getPane('nama');
    pane.style.zIndex = 390;
    pane.style.pointerEvents = 'none';
    var features = [];

    function draw() {
      pane.textContent = '';
      var z = Math.floor(map.getZoom());
      if (z < LABEL_MIN_ZOOM) {
        return;
      }
      var levels = {};
      features.forEach(function (f) { levels[f.properties.level] = true; });
      var level = labelLevel(z, levels);
      var view = map.getBounds();
      var size = map.getSize();
      var placed = [];
      features.forEach(function (f) {
        var p = f.properties || {};
        if (p.level !== level || placed.length >= LABEL_MAX) {
          return;
        }
        var at = p.label || (f.geometry && f.geometry.type === 'Point' ? f.geometry.coordinates : null);
        if (!at) {
          return;
        }
        var ll = L.latLng(at[1], at[0]);
        if (!view.contains(ll)) {
          return;
        }
        var pt = map.latLngToContainerPoint(ll);
        var w = String(p.name || '').length * 6.5 + 10;
        var box = { x0: pt.x - w / 2, x1: pt.x + w / 2, y0: pt.y - 9, y1: pt.y + 9 };
        if (box.x0 < 0 || box.x1 > size.x || box.y0 < 0 || box.y1 > size.y) {
          return;
        }
        var clash = placed.some(function (o) {
          return box.x0 < o.x1 && o.x0 < box.x1 && box.y0 < o.y1 && o.y0 < box.y1;
        });
        if (clash) {
          return;
        }
        placed.push(box);
        var div = document.createElement('div');
        div.className = 'nama-wilayah nama-' + level;
        var span = document.createElement('span');
        span.textContent = p.name || '';
        span.setAttribute('data-kode', p.code || '');
        span.setAttribute('data-tingkat', level);
        div.appendChild(span);
        L.DomUtil.setPosition(div, map.latLngToLayerPoint(ll));
        pane.appendChild(div);
      });
    }

    map.on('zoomstart', function () { pane.textContent = ''; });
    map.on('zoomend moveend', draw);
    return {
      set: function (fs) {
        features = fs;
        draw();
      }
    };
  }

  // Leaflet writes a layer's credit as HTML; the configured text is shown as text.
  function escapeHtml(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  // How far past its deepest zoom a file's tiles are enlarged; closer still, the map draws
  // the boundaries alone rather than blurred tiles.
  var ENLARGE_ZOOMS = 2;

  // The base map's tiles: the configured layers (the first shown), with a switch when
  // there are several, and their credits.
  function tileLayers(map) {
    var layers = SETTINGS.layers || [];
    if (layers.length === 0) {
      return;
    }
    var choices = {};
    layers.forEach(function (l, i) {
      var t = L.tileLayer(l.url, {
        maxZoom: Math.min(18, (l.max_native_zoom || 18) + ENLARGE_ZOOMS),
        maxNativeZoom: l.max_native_zoom || 18,
        minNativeZoom: l.min_native_zoom || 0,
        // No request for a tile outside the layer's area (the server would answer 404).
        bounds: l.bounds ? L.latLngBounds([[l.bounds[1], l.bounds[0]], [l.bounds[3], l.bounds[2]]]) : undefined,
        attribution: escapeHtml(l.attribution || '')
      });
      if (i === 0) {
        t.addTo(map);
      }
      choices[(l.kind === 'local' ? WORDS.layer_local : WORDS.layer_online) || l.kind] = t;
    });
    if (layers.length > 1) {
      L.control.layers(choices, null, { position: 'topleft' }).addTo(map);
    }
    L.control.attribution({ prefix: false }).addTo(map);
  }

  // The place search: names from /api/v1/regions?q=, a list of matches with the regions
  // they lie in, and the map flies to the one chosen (its boundary's extent, or its centre
  // at a zoom fitting its level).
  var FLY_ZOOM = { province: 7, regency: 9, district: 11, village: 14 };

  function searchControl(map) {
    var Search = L.Control.extend({
      options: { position: 'topright' },
      onAdd: function () {
        var box = L.DomUtil.create('div', 'cari-peta leaflet-bar');
        // Not a <form>: the map may sit inside the page's own form (the report form, the
        // area form), and Enter here must search, not submit that form.
        var form = document.createElement('div');
        form.className = 'cari-peta-baris';
        form.setAttribute('role', 'search');
        var input = document.createElement('input');
        input.type = 'search';
        input.className = 'cari-peta-isian';
        input.placeholder = WORDS.search_placeholder || '';
        input.setAttribute('aria-label', WORDS.search_label || '');
        var button = document.createElement('button');
        button.type = 'button';
        button.textContent = WORDS.search_button || '';
        var list = document.createElement('ul');
        list.className = 'cari-peta-hasil';
        list.hidden = true;
        var note = document.createElement('p');
        note.className = 'cari-peta-catatan';
        note.setAttribute('aria-live', 'polite');
        form.appendChild(input);
        form.appendChild(button);
        // Folded to one small button until used, so it hides little of a small map.
        var open = document.createElement('button');
        open.type = 'button';
        open.className = 'cari-peta-buka';
        open.textContent = WORDS.search_button || '';
        open.setAttribute('aria-label', WORDS.search_label || '');
        open.setAttribute('aria-expanded', 'false');
        form.hidden = true;
        open.addEventListener('click', function () {
          form.hidden = !form.hidden;
          open.setAttribute('aria-expanded', String(!form.hidden));
          if (form.hidden) {
            list.hidden = true;
            note.textContent = '';
          } else {
            input.focus();
          }
        });
        box.appendChild(open);
        box.appendChild(form);
        box.appendChild(list);
        box.appendChild(note);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);

        function go(r) {
          list.hidden = true;
          note.textContent = '';
          form.hidden = true;
          open.setAttribute('aria-expanded', 'false');
          if (r.bbox) {
            map.flyToBounds([[r.bbox[1], r.bbox[0]], [r.bbox[3], r.bbox[2]]], { duration: 0.8 });
          } else if (r.centroid) {
            var c = r.centroid.coordinates;
            map.flyTo([c[1], c[0]], FLY_ZOOM[r.level] || 12, { duration: 0.8 });
          }
        }

        input.addEventListener('keydown', function (e) {
          if (e.key === 'Enter') {
            e.preventDefault();
            find();
          }
        });
        button.addEventListener('click', find);

        function find() {
          var q = input.value.trim();
          if (!q) {
            return;
          }
          fetch('/api/v1/regions?limit=6&q=' + encodeURIComponent(q), {
            credentials: 'same-origin', headers: { Accept: 'application/json' }
          })
            .then(function (r) {
              if (!r.ok) {
                throw new Error('HTTP ' + r.status);
              }
              return r.json();
            })
            .then(function (d) {
              var found = d.regions || [];
              list.textContent = '';
              note.textContent = found.length ? '' : (WORDS.search_none || '');
              found.forEach(function (r) {
                var li = document.createElement('li');
                var b = document.createElement('button');
                b.type = 'button';
                b.setAttribute('data-kode', r.code);
                var name = document.createElement('strong');
                name.textContent = r.name;
                var where = document.createElement('span');
                where.textContent = [(WORDS.levels || {})[r.level] || r.level]
                  .concat((r.parents || []).slice(0, 2).map(function (p) { return p.name; })).join(', ');
                b.appendChild(name);
                b.appendChild(document.createTextNode(' '));
                b.appendChild(where);
                b.addEventListener('click', function () { go(r); });
                li.appendChild(b);
                list.appendChild(li);
              });
              list.hidden = found.length === 0;
            })
            .catch(function () { note.textContent = WORDS.search_failed || ''; });
        }
        return box;
      }
    });
    new Search().addTo(map);
  }

  // A map over the shipped boundaries of the view (/boundaries?bbox=&zoom=), asked again
  // when the view settles (the stale request cancelled), with the names of the places in
  // view, the base map's tiles when configured, and (options.search) the place search.
  // Boundaries live in their own pane under the reports and never take clicks, so a tap
  // reaches the map or a marker.
  function baseMap(el, options) {
    var opts = Object.assign({}, options || {});
    var search = opts.search;
    delete opts.search;
    var map = L.map(el, Object.assign({ attributionControl: false, minZoom: 3, maxZoom: 18, zoomSnap: 0.25, zoomDelta: 1 }, opts));
    // The land is filled under the tiles (pane 150, the tiles are 200), so it shows only
    // where the base map has no tile; the boundary lines are drawn over them (250).
    map.createPane('darat');
    map.getPane('darat').style.zIndex = 150;
    map.createPane('batas');
    map.getPane('batas').style.zIndex = 250;
    var landRenderer = L.canvas({ pane: 'darat', padding: 0.5 });
    var renderer = L.canvas({ pane: 'batas', padding: 0.5 });
    tileLayers(map);
    var labels = labelLayer(map);
    var shown = null;
    var asked = null;
    var controller = null;
    var timer = null;

    function style(f) {
      var level = (f.properties || {}).level;
      if (level === 'district') {
        return { color: '#a3b1aa', weight: 0.8, fill: false, dashArray: '3 3' };
      }
      return { color: level === 'province' ? '#6f8279' : '#8d9c95', weight: 1, fill: false };
    }

    function load() {
      var z = Math.max(0, Math.floor(map.getZoom()));
      var box = boundaryBox(map, z);
      if (!box) {
        return;
      }
      var url = '/boundaries?zoom=' + z + '&bbox=' + box;
      if (url === asked) {
        return;
      }
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      asked = url;
      fetch(url, { credentials: 'same-origin', signal: controller ? controller.signal : undefined })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || url !== asked) {
            return;
          }
          var polygons = (data.features || []).filter(function (f) { return f.geometry && f.geometry.type !== 'Point'; });
          var land = polygons.filter(function (f) { return f.properties.level !== 'district'; });
          var next = L.layerGroup([
            L.geoJSON({ type: 'FeatureCollection', features: land }, {
              pane: 'darat', renderer: landRenderer, interactive: false,
              style: { stroke: false, fill: true, fillColor: '#f4f2e9', fillOpacity: 1 }
            }),
            L.geoJSON({ type: 'FeatureCollection', features: polygons }, {
              pane: 'batas', renderer: renderer, interactive: false, style: style
            })
          ]).addTo(map);
          if (shown) {
            map.removeLayer(shown);
          }
          shown = next;
          labels.set(data.features || []);
          el.setAttribute('data-batas', String(z));
        })
        .catch(function (e) {
          // The map still works without boundaries; a cancelled request is not an error.
          if (!e || e.name !== 'AbortError') {
            asked = null;
          }
        });
    }

    map.on('moveend', function () {
      clearTimeout(timer);
      timer = setTimeout(load, 200);
    });
    map.whenReady(function () { setTimeout(load, 0); });
    if (search) {
      searchControl(map);
    }
    return map;
  }

  // The base map for the other pages' scripts (the early-warning maps).
  window.SinergiPeta = { baseMap: baseMap, INDONESIA: INDONESIA };

  // ---- times in the place's zone (WIB, WITA, WIT), as the server shows them ----

  var WITA = ['51', '52', '53', '63', '64', '65', '71', '72', '73', '74', '75', '76'];

  function zoneOf(region, iso) {
    if (region) {
      var p = region.slice(0, 2);
      if (WITA.indexOf(p) >= 0) {
        return ['WITA', 8];
      }
      if (p[0] === '8' || p[0] === '9') {
        return ['WIT', 9];
      }
      return ['WIB', 7];
    }
    var m = /([+-])(\d\d):(\d\d)$/.exec(iso || '');
    var h = m ? (m[1] === '-' ? -1 : 1) * Number(m[2]) : 7;
    return h === 8 ? ['WITA', 8] : h === 9 ? ['WIT', 9] : ['WIB', 7];
  }

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function showTime(iso, region) {
    var t = Date.parse(iso);
    if (isNaN(t)) {
      return iso || '';
    }
    var z = zoneOf(region, iso);
    var d = new Date(t + z[1] * 3600000);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
      pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ' ' + z[0];
  }

  var STATUS_COLOURS = { 'new': '#1e5aa8', verified: '#2f8a57', in_progress: '#c77a00', closed: '#6b7570' };

  // A region-only location has no cell; the report map draws a circle of this radius
  // round the region's centre (the report page draws the region's own extent).
  var REGION_RADIUS_M = 10000;
  var METRES_PER_DEGREE = 111320;

  // The precision a report was delivered at: a number of metres (0 = exact) or "region".
  function precisionOf(f) {
    var access = (f.properties || {}).access;
    return access && access.precision ? access.precision : 0;
  }

  // The area a coarsened point stands for: the grid cell whose centre it is (the same
  // cell as sinergi_core::sharing::cell_bounds), or a circle round a region's centre,
  // with a hollow dashed ring that keeps it visible (and tappable) when zoomed out far
  // enough for the area to shrink below a pixel.
  function coarseLayer(f, style) {
    var prec = precisionOf(f);
    var g = f.geometry;
    if (!prec || !g || g.type !== 'Point') {
      return null;
    }
    var lon = g.coordinates[0];
    var lat = g.coordinates[1];
    var s = Object.assign({}, style, { dashArray: '6 4', className: 'lokasi-kasar' });
    var area;
    if (typeof prec === 'number') {
      var latStep = prec / METRES_PER_DEGREE;
      var lonStep = latStep / Math.max(Math.cos(lat * Math.PI / 180), 0.01);
      area = L.rectangle([[lat - latStep / 2, lon - lonStep / 2], [lat + latStep / 2, lon + lonStep / 2]], s);
    } else {
      area = L.circle([lat, lon], Object.assign({ radius: REGION_RADIUS_M }, s));
    }
    var ring = L.circleMarker([lat, lon], {
      radius: 7, color: style.color, weight: 2, dashArray: '3 3', fillOpacity: 0, className: 'lokasi-kasar-cincin'
    });
    return L.featureGroup([area, ring]);
  }

  // ---- the report map ----

  function reportMap(el) {
    var data = json('peta-data') || { types: {}, statuses: {}, text: {} };
    var text = data.text || {};
    var status = document.getElementById('peta-status');
    var typeSelect = document.getElementById('peta-jenis');
    var map = baseMap(el, { search: true });
    var view = /^#peta=(\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(window.location.hash);
    if (view && Math.abs(Number(view[2])) <= 90 && Math.abs(Number(view[3])) <= 180) {
      map.setView([Number(view[2]), Number(view[3])], Math.min(Math.max(Number(view[1]), 3), 18));
    } else {
      map.fitBounds(INDONESIA);
    }
    // Areas, lines and coarsened locations; pins go to the clusters.
    var layer = L.featureGroup().addTo(map);
    var pins = L.markerClusterGroup
      ? L.markerClusterGroup({
        showCoverageOnHover: false,
        maxClusterRadius: 45,
        spiderfyOnMaxZoom: true,
        chunkedLoading: true
      }).addTo(map)
      : layer;
    var controller = null;
    var timer = null;

    function keepView() {
      if (!window.history || !history.replaceState) {
        return;
      }
      var c = map.getCenter();
      history.replaceState(null, '', '#peta=' + (Math.round(map.getZoom() * 100) / 100) + '/' +
        c.lat.toFixed(5) + '/' + c.lng.toFixed(5));
    }

    function say(msg) {
      if (status) {
        status.textContent = msg || '';
      }
    }

    function popup(f) {
      var p = f.properties || {};
      var box = document.createElement('div');
      box.className = 'popup-laporan';
      var a = document.createElement('a');
      a.href = '/laporan/' + encodeURIComponent(f.id);
      a.textContent = p.title || text.open || '';
      box.appendChild(a);
      var line = document.createElement('p');
      line.textContent = (data.types[p.type] || p.type || '') + ' · ' + (data.statuses[p.status] || p.status || '');
      box.appendChild(line);
      var when = document.createElement('p');
      when.textContent = showTime(p.occurred_at, p.region_code);
      box.appendChild(when);
      var prec = precisionOf(f);
      if (prec) {
        var where = document.createElement('p');
        where.className = 'catatan';
        where.textContent = typeof prec === 'number'
          ? (text.prec_grid || '{n}').replace('{n}', String(prec / 1000))
          : (text.prec_region || '');
        box.appendChild(where);
      }
      return box;
    }

    // Layers by report id. A redraw keeps the layers of reports still in view (and so
    // any open popup, whose opening may itself have panned the map and caused the
    // re-fetch), removes those no longer returned and adds the new ones.
    var shown = {};

    // Popup and tag of one report's layer (or of each part of a group).
    function decorate(feature, l) {
      l.bindPopup(function () { return popup(feature); }, { maxWidth: 260, autoPanPaddingTopLeft: L.point(56, 16) });
      // Tag the drawn elements, so the report can be found on the page (by tests
      // and by assistive tools).
      var parts = l.eachLayer ? [] : [l];
      if (l.eachLayer) {
        l.eachLayer(function (x) { parts.push(x); });
      }
      parts.forEach(function (x) {
        x.on('add', function () {
          var e = x.getElement ? x.getElement() : null;
          if (e) {
            e.setAttribute('data-report-id', feature.id);
          }
        });
      });
    }

    function makeLayer(f) {
      var colour = STATUS_COLOURS[(f.properties || {}).status] || '#1e5aa8';
      var coarse = coarseLayer(f, { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.15 });
      if (coarse) {
        decorate(f, coarse);
        return coarse;
      }
      var made = null;
      L.geoJSON(f, {
        pointToLayer: function (feature, latlng) {
          var title = (feature.properties && feature.properties.title) || '';
          return L.marker(latlng, { title: title, alt: title, riseOnHover: true });
        },
        style: function (feature) {
          var c = STATUS_COLOURS[(feature.properties || {}).status] || '#1e5aa8';
          return { color: c, weight: 3, fillOpacity: 0.25 };
        },
        onEachFeature: function (feature, l) {
          decorate(feature, l);
          made = l;
        }
      });
      return made;
    }

    function draw(fc) {
      var next = {};
      (fc.features || []).forEach(function (f) {
        var version = (f.properties || {}).version;
        var old = shown[f.id];
        if (old && old.version === version) {
          next[f.id] = old;
          return;
        }
        if (old) {
          old.group.removeLayer(old.layer);
        }
        var l = makeLayer(f);
        if (l) {
          var group = l instanceof L.Marker ? pins : layer;
          group.addLayer(l);
          next[f.id] = { layer: l, version: version, group: group };
        }
      });
      Object.keys(shown).forEach(function (id) {
        if (!next[id]) {
          shown[id].group.removeLayer(shown[id].layer);
        }
      });
      shown = next;
    }

    function clamp(x, lo, hi) {
      return Math.max(lo, Math.min(hi, x));
    }

    function load() {
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      var b = map.getBounds();
      var bbox = [
        clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
        clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)
      ].map(function (x) { return x.toFixed(5); }).join(',');
      var url = '/api/v1/reports?limit=1000&bbox=' + encodeURIComponent(bbox);
      if (typeSelect && typeSelect.value) {
        url += '&type=' + encodeURIComponent(typeSelect.value);
      }
      say(text.loading);
      fetch(url, {
        credentials: 'same-origin',
        headers: { Accept: 'application/geo+json' },
        signal: controller ? controller.signal : undefined
      })
        .then(function (r) {
          if (r.status === 401) {
            window.location.href = '/masuk';
            throw new Error('signed out');
          }
          if (!r.ok) {
            throw new Error('HTTP ' + r.status);
          }
          return r.json();
        })
        .then(function (fc) {
          var n = (fc.features || []).length;
          draw(fc);
          say((((fc.links || []).some(function (l) { return l.rel === 'next'; }) ? text.limited : text.shown) || '')
            .replace('{n}', String(n)));
          el.setAttribute('data-loaded', String(n));
        })
        .catch(function (e) {
          if (e.name !== 'AbortError') {
            say(text.failed);
          }
        });
    }

    map.on('moveend', function () {
      keepView();
      clearTimeout(timer);
      timer = setTimeout(load, 250);
    });
    if (typeSelect) {
      typeSelect.addEventListener('change', load);
    }
    load();
  }

  // ---- one report's geometry ----

  function detailMap(el) {
    var geometry = json('geometri');
    var map = baseMap(el, { scrollWheelZoom: false, dragging: !L.Browser.mobile, tap: false });
    if (!geometry) {
      map.fitBounds(INDONESIA);
      return;
    }
    var shape = L.geoJSON(geometry, {
      style: function (f) {
        return f && f.properties && f.properties.coarse
          ? { color: '#b3261e', weight: 2, dashArray: '6 4', fillOpacity: 0.15, className: 'lokasi-kasar' }
          : { color: '#b3261e', weight: 4, fillOpacity: 0.25 };
      }
    }).addTo(map);
    var bounds = shape.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { maxZoom: 10, padding: [20, 20] });
    } else {
      map.fitBounds(INDONESIA);
    }
  }

  // ---- the form's location picker ----

  function pickerMap(el) {
    var lon = document.getElementById('lon');
    var lat = document.getElementById('lat');
    var mine = document.getElementById('lokasi-saya');
    var map = baseMap(el, { scrollWheelZoom: false, search: true });
    var start = [Number(el.dataset.lat) || -2.5, Number(el.dataset.lon) || 118];
    map.setView(start, Number(el.dataset.zoom) || 5);
    var marker = null;

    function place(latlng) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: false }).addTo(map);
        marker.on('dragend', function () { write(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
    }

    function write(latlng) {
      var ll = latlng.wrap();
      lon.value = ll.lng.toFixed(6);
      lat.value = ll.lat.toFixed(6);
      place(ll);
    }

    function fromInputs() {
      var x = parseFloat(String(lon.value).replace(',', '.'));
      var y = parseFloat(String(lat.value).replace(',', '.'));
      if (isFinite(x) && isFinite(y) && Math.abs(x) <= 180 && Math.abs(y) <= 90) {
        place([y, x]);
        return true;
      }
      return false;
    }

    map.on('click', function (e) { write(e.latlng); });
    lon.addEventListener('change', function () {
      if (fromInputs()) {
        map.panTo(marker.getLatLng());
      }
    });
    lat.addEventListener('change', function () {
      if (fromInputs()) {
        map.panTo(marker.getLatLng());
      }
    });
    fromInputs();

    if (mine && navigator.geolocation) {
      mine.addEventListener('click', function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
          write(ll);
          map.setView(ll, Math.max(map.getZoom(), 14));
        }, function () { /* Without a fix the user taps the map or types instead. */ },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
      });
    }
  }

  var el;
  if ((el = document.getElementById('peta'))) {
    reportMap(el);
  }
  if ((el = document.getElementById('peta-detail'))) {
    detailMap(el);
  }
  if ((el = document.getElementById('peta-pilih'))) {
    pickerMap(el);
  }
})();
