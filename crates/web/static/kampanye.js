// A campaign's units on the map (/kampanye/{id}): each unit's region from the page's
// #kampanye-peta GeoJSON, coloured by its reporting rate or, when chosen in #warna-peta,
// by the band of its latest score under an index; tapping a region names it with its
// figures. Colours are those of the legend (sinergi.css); text is set with textContent.
(function () {
  'use strict';
  var el = document.getElementById('peta-kampanye');
  var data = document.getElementById('kampanye-peta');
  if (!el || !data || !window.L || !window.SinergiPeta) {
    return;
  }
  var fc;
  try {
    fc = JSON.parse(data.textContent || '{}');
  } catch (e) {
    return;
  }
  var RATE = { '90': '#2e7d32', '75': '#81c784', '50': '#f9d56e', '0': '#e57373', none: '#cfd8dc' };
  // The bands' colours, lowest first (the .pita-N backgrounds, a little stronger).
  var BANDS = ['#e57373', '#f9d56e', '#81c784', '#2e7d32'];
  var select = document.getElementById('warna-peta');
  var map = window.SinergiPeta.baseMap(el, { scrollWheelZoom: false, tap: false });

  function colour(f) {
    var p = f.properties || {};
    var by = select ? select.value : 'rate';
    if (by === 'rate') {
      return RATE[p.rate_class] || RATE.none;
    }
    var x = (p.indices || {})[by];
    if (!x || x.band_index === null || x.band_index === undefined) {
      return RATE.none;
    }
    return BANDS[Math.min(x.band_index, BANDS.length - 1)];
  }

  function pct(x) {
    return x === null || x === undefined ? '—' : x.toFixed(1) + ' %';
  }

  var layer = L.geoJSON(fc, {
    style: function (f) {
      return { color: '#33413b', weight: 1, fillColor: colour(f), fillOpacity: 0.75 };
    },
    pointToLayer: function (f, ll) {
      return L.circleMarker(ll, { radius: 8, color: '#33413b', weight: 1, fillColor: colour(f), fillOpacity: 0.9 });
    },
    onEachFeature: function (f, l) {
      var p = f.properties || {};
      l.on('click', function () {
        var box = document.createElement('div');
        var title = document.createElement('strong');
        title.textContent = p.region_name + ' (' + p.agency + ')';
        box.appendChild(title);
        var line = document.createElement('div');
        line.textContent = pct(p.reporting_rate) + ' · ' + pct(p.on_time_rate) + ' (' + p.received + '/' + p.expected + ')';
        box.appendChild(line);
        Object.keys(p.indices || {}).forEach(function (name) {
          var x = p.indices[name];
          var d = document.createElement('div');
          d.textContent = name + ' ' + x.period + ': ' + (x.score === null ? '—' : x.score.toFixed(2)) + (x.band ? ' ' + x.band : '');
          box.appendChild(d);
        });
        l.bindPopup(box).openPopup();
      });
    },
  }).addTo(map);
  el.setAttribute('data-units', String((fc.features || []).length));
  if (layer.getLayers().length > 0) {
    map.fitBounds(layer.getBounds(), { padding: [10, 10], maxZoom: 10 });
  }
  if (select) {
    select.addEventListener('change', function () {
      layer.setStyle(function (f) {
        return { color: '#33413b', weight: 1, fillColor: colour(f), fillOpacity: 0.75 };
      });
      document.querySelectorAll('#peta-kampanye-kartu .legenda').forEach(function (ul) {
        ul.hidden = ul.getAttribute('data-kind') !== select.value;
      });
      el.setAttribute('data-colour', select.value);
    });
  }
  el.setAttribute('data-colour', select ? select.value : 'rate');
}());
