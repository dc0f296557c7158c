// One patrol's tracks on the base map (/patroli/{id}): each segment of each leg as a
// line, its start and end marked. The data is the page's #patroli-data JSON:
// {"segments": [[[lon, lat], …], …]}.
(function () {
  'use strict';
  var el = document.getElementById('peta-patroli');
  var data = document.getElementById('patroli-data');
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
