// Sinergi's maps, drawn with Leaflet over the shipped Indonesian boundaries, so they
// work with no tile server and no internet. Three uses, chosen by the element present:
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
// Report text is only ever inserted with textContent, never as HTML, and no tile layer
// is added, so the map never contacts another server.
// The base map is also offered as window.SinergiPeta for /static/peringatan.js.
(function () {
  'use strict';
  if (!window.L) {
    return;
  }
  L.Icon.Default.imagePath = '/static/images/';

  // Indonesia, lon 95–141 and lat -11–6: the start view of the report map.
  var INDONESIA = L.latLngBounds([[-11, 95], [6, 141]]);
  var KABKOTA_ZOOM = 7;

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

  // A map with the province boundaries always, and the regency/city boundaries once
  // zoomed in far enough for them to be readable. Boundaries live in their own pane
  // under the reports and never take clicks, so a tap reaches the map or a marker.
  function baseMap(el, options) {
    var map = L.map(el, Object.assign({ attributionControl: false, minZoom: 3, maxZoom: 18, zoomSnap: 0.25, zoomDelta: 1 }, options || {}));
    map.createPane('batas');
    map.getPane('batas').style.zIndex = 250;
    var renderer = L.canvas({ pane: 'batas', padding: 0.5 });
    var kabkota = null;
    var kabkotaLoading = false;

    fetch('/boundaries/provinsi.geojson', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) {
          return;
        }
        L.geoJSON(data, {
          pane: 'batas', renderer: renderer, interactive: false,
          style: { color: '#6f8279', weight: 1, fillColor: '#f4f2e9', fillOpacity: 1 }
        }).addTo(map);
      })
      .catch(function () { /* The map still works without boundaries. */ });

    function toggleKabkota() {
      var wanted = map.getZoom() >= KABKOTA_ZOOM;
      if (wanted && !kabkota && !kabkotaLoading) {
        kabkotaLoading = true;
        fetch('/boundaries/kabkota.geojson', { credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            kabkotaLoading = false;
            if (!data) {
              return;
            }
            kabkota = L.geoJSON(data, {
              pane: 'batas', renderer: renderer, interactive: false,
              style: { color: '#a3b1aa', weight: 0.8, fill: false, dashArray: '3 3' }
            });
            toggleKabkota();
          })
          .catch(function () { kabkotaLoading = false; });
        return;
      }
      if (!kabkota) {
        return;
      }
      if (wanted && !map.hasLayer(kabkota)) {
        kabkota.addTo(map);
      } else if (!wanted && map.hasLayer(kabkota)) {
        map.removeLayer(kabkota);
      }
    }
    map.on('zoomend', toggleKabkota);
    map.whenReady(toggleKabkota);
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
    var map = baseMap(el);
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
    var map = baseMap(el, { scrollWheelZoom: false });
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
