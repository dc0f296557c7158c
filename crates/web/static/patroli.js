// One patrol's tracks on the base map (/patroli/{id}): each segment of each leg as a
// line, its start and end marked. The data is the page's #patroli-data JSON:
// {"segments": [[[lon, lat], …], …]}. On the summary page (/patroli/ringkasan), the
// 1 km cells a period's patrols covered ({"coverage": GeoJSON FeatureCollection}).
(function () {
  'use strict';
  var cover = document.getElementById('peta-cakupan');
  var data = document.getElementById('patroli-data');
  if (cover && data && window.L && window.SinergiPeta) {
    var c;
    try {
      c = JSON.parse(data.textContent || '{}');
    } catch (e) {
      c = {};
    }
    var cmap = window.SinergiPeta.baseMap(cover, { scrollWheelZoom: false, tap: false });
    if (c.coverage && c.coverage.features && c.coverage.features.length > 0) {
      var cells = L.geoJSON(c.coverage, {
        style: { color: '#2e7d32', weight: 1, fillColor: '#43a047', fillOpacity: 0.45 }
      }).addTo(cmap);
      cover.setAttribute('data-cells', String(c.coverage.features.length));
      cmap.fitBounds(cells.getBounds(), { padding: [20, 20], maxZoom: 13 });
    } else {
      cover.setAttribute('data-cells', '0');
    }
    return;
  }
  var el = document.getElementById('peta-patroli');
  if (!el || !data || !window.L || !window.SinergiPeta) {
    return;
  }
  L.Icon.Default.imagePath = '/static/images/';
  var d;
  try {
    d = JSON.parse(data.textContent || '{}');
  } catch (e) {
    return;
  }
  var map = window.SinergiPeta.baseMap(el, { scrollWheelZoom: false, dragging: !L.Browser.mobile, tap: false });
  var group = L.featureGroup().addTo(map);
  (d.segments || []).forEach(function (seg) {
    var coords = seg.map(function (c) { return [c[1], c[0]]; });
    if (coords.length === 0) {
      return;
    }
    L.polyline(coords, { color: '#2e7d32', weight: 3 }).addTo(group);
    L.circleMarker(coords[0], { radius: 4, color: '#2e7d32', fillColor: '#fff', fillOpacity: 1 }).addTo(group);
    L.circleMarker(coords[coords.length - 1], { radius: 5, color: '#fff', weight: 2, fillColor: '#2e7d32', fillOpacity: 1 }).addTo(group);
  });
  if (group.getLayers().length > 0) {
    map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 15 });
  }
}());
