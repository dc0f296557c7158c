// Kawal Desa (/kawal-desa): a village sighting on one screen. The choice becomes a report
// of a type the early-warning engine reads (elephants or a tiger seen: wildlife_sighting;
// damage to crops: hwc_crop_raid; to a house, hut or fence: hwc_damage), saved in the
// outbox with its photo and sent at once when there is a signal. The list below the
// form shows this phone's Kawal Desa reports as sent or waiting. Words come from the
// form's data attributes; text is set with textContent only.
/* global L, SinergiOutbox */
(function () {
  'use strict';

  var form = document.getElementById('kawal-desa');
  var userMeta = document.querySelector('meta[name="sinergi-user"]');
  if (!form || !userMeta || !window.SinergiOutbox) {
    return;
  }
  var USER = userMeta.getAttribute('content');
  var word = function (k) { return form.getAttribute('data-' + k) || ''; };
  var msg = document.getElementById('kd-pesan');
  var lonEl = document.getElementById('kd-lon');
  var latEl = document.getElementById('kd-lat');
  var where = document.getElementById('kd-lokasi');
  var damageBox = document.getElementById('kd-kerusakan');

  function say(text, kind) {
    msg.textContent = text;
    msg.className = 'pesan ' + (kind || 'info');
    msg.hidden = !text;
  }

  function checked(name) {
    var e = form.querySelector('input[name="' + name + '"]:checked');
    return e ? e : null;
  }

  form.addEventListener('change', function (ev) {
    if (ev.target.name === 'apa') {
      damageBox.hidden = ev.target.value !== 'damage';
    }
  });

  // ---- where: the GPS, or a tap on the map ----

  var map = null;
  var marker = null;

  function setPoint(lon, lat, fromGps) {
    lonEl.value = lon.toFixed(6);
    latEl.value = lat.toFixed(6);
    where.textContent = word('where').replace('{lat}', lat.toFixed(5)).replace('{lon}', lon.toFixed(5));
    if (map) {
      var ll = [lat, lon];
      if (marker) {
        marker.setLatLng(ll);
      } else {
        marker = L.circleMarker(ll, { radius: 8, color: '#fff', weight: 2, fillColor: '#b3261e', fillOpacity: 1 }).addTo(map);
      }
      if (fromGps) {
        map.setView(ll, Math.max(map.getZoom(), 14));
      }
    }
  }

  var mapEl = document.getElementById('kd-peta');
  if (mapEl && window.L) {
    map = L.map(mapEl, { zoomControl: true, attributionControl: false, tap: false })
      .setView([Number(mapEl.getAttribute('data-lat')), Number(mapEl.getAttribute('data-lon'))],
        Number(mapEl.getAttribute('data-zoom')) || 10);
    // The boundaries of the view only (as on every map), fetched again when it moves.
    var shapes = L.geoJSON(null, {
      interactive: false,
      style: { color: '#5b6762', weight: 1, fillColor: '#e6f1eb', fillOpacity: 0.6 },
      // Village centres come as points: the small map shows areas only.
      filter: function (f) { return !!f.geometry && f.geometry.type !== 'Point'; }
    }).addTo(map);
    var loadBoundaries = function () {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(4); }).join(',');
      fetch('/boundaries?bbox=' + bbox + '&zoom=' + Math.round(map.getZoom()), { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data) {
            shapes.clearLayers();
            shapes.addData(data);
          }
        })
        .catch(function () { /* A tap still gives a position without the boundaries. */ });
    };
    map.on('moveend', loadBoundaries);
    loadBoundaries();
    map.on('click', function (e) { setPoint(e.latlng.lng, e.latlng.lat, false); });
  }

  var gps = document.getElementById('kd-gps');
  if (!('geolocation' in navigator)) {
    gps.hidden = true;
  }
  gps.addEventListener('click', function () {
    say(word('gps-wait'), 'info');
    navigator.geolocation.getCurrentPosition(function (p) {
      say('', 'info');
      setPoint(p.coords.longitude, p.coords.latitude, true);
    }, function () {
      say(word('gps-failed'), 'galat');
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 });
  });

  // ---- send ----

  function now() {
    var d = new Date();
    var off = -d.getTimezoneOffset();
    var pad = function (n) { return String(n).padStart(2, '0'); };
    var local = new Date(d.getTime() + off * 60000).toISOString().slice(0, 19);
    var sign = off >= 0 ? '+' : '-';
    return local + sign + pad(Math.floor(Math.abs(off) / 60)) + ':' + pad(Math.abs(off) % 60);
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var what = checked('apa');
    var n = Math.max(1, Math.floor(Number(form.querySelector('#kd-jumlah').value) || 1));
    var species = form.querySelector('#kd-satwa');
    var problems = [];
    if (!what) {
      problems.push(word('need-what'));
    }
    if (what && what.value === 'damage' && !species.value) {
      problems.push(word('need-species'));
    }
    if (!lonEl.value || !latEl.value) {
      problems.push(word('need-where'));
    }
    if (problems.length) {
      say(problems.join(' '), 'galat');
      msg.focus();
      return;
    }
    var type;
    var attributes;
    var title;
    if (what.value === 'damage') {
      var damaged = checked('rusak');
      var speciesLabel = species.options[species.selectedIndex].textContent;
      title = word('title-damage').replace('{what}', damaged.getAttribute('data-label')).replace('{species}', speciesLabel);
      if (damaged.value === 'crops') {
        type = 'hwc_crop_raid';
        attributes = { species: species.value, individuals: n };
      } else {
        type = 'hwc_damage';
        attributes = { species: species.value, damage: [damaged.value] };
      }
    } else {
      type = 'wildlife_sighting';
      attributes = { species: what.value === 'tiger' ? 'harimau_sumatera' : 'gajah_sumatera', count: n, evidence: 'direct' };
      title = word(what.value === 'tiger' ? 'title-tiger' : 'title-elephant').replace('{n}', String(n));
    }
    var props = { type: type, title: title, occurred_at: now(), sensitivity: 'internal', attributes: attributes };
    var note = form.querySelector('#kd-catatan').value.trim();
    if (note) {
      props.description = note;
    }
    var file = form.querySelector('#kd-foto').files[0];
    var button = document.getElementById('kd-kirim');
    button.disabled = true;
    SinergiOutbox.add({
      kind: 'report',
      origin: 'kawal-desa',
      user: USER,
      label: title,
      body: {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [Number(lonEl.value), Number(latEl.value)] },
        properties: props,
      },
      photos: file ? [{ name: file.name, blob: file }] : [],
    }).then(function () {
      form.reset();
      damageBox.hidden = true;
      lonEl.value = '';
      latEl.value = '';
      where.textContent = '';
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
      say(word('saved'), 'sukses');
      msg.focus();
      button.disabled = false;
      if (navigator.onLine !== false) {
        SinergiOutbox.sendAll().catch(function () { /* Retried on the next open. */ });
      }
    }, function (e) {
      say(String(e), 'galat');
      button.disabled = false;
    });
  });

  // ---- this phone's Kawal Desa reports, sent or waiting ----

  var list = document.getElementById('kd-daftar');
  document.addEventListener('sinergi-outbox-items', function (ev) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    ev.detail.filter(function (i) { return i.origin === 'kawal-desa'; }).reverse().forEach(function (i) {
      var li = document.createElement('li');
      li.className = 'antrian-item status-' + i.state;
      li.setAttribute('data-state', i.state);
      var strong = document.createElement('strong');
      strong.textContent = i.label;
      li.appendChild(strong);
      var state = i.state === 'sent' ? word('sent') : i.state === 'waiting' ? word('waiting') : word('failed');
      li.appendChild(document.createTextNode(' · ' + state));
      if (i.reason) {
        var why = document.createElement('p');
        why.className = 'galat';
        why.textContent = i.reason;
        li.appendChild(why);
      }
      list.appendChild(li);
    });
  });
}());
