// The resident's pin: on the district's approved base map when there is one (pan, zoom, tap or
// drag the pin; "Use my location"), else on the offline sketch (pin.js). Either way the address
// box finds places through the gazetteer and moves the pin; a pin outside the district asks which
// place the address names instead of waiting for the refusal. The form's lon/lat are WGS-84: a
// tap on GCJ-02 or BD-09 tiles is converted back (basemap.js), as a phone's GPS needs none.
(function () {
  "use strict";
  var lon = document.getElementById("lon"), lat = document.getElementById("lat");
  var address = document.getElementById("address"), find = document.getElementById("find-place");
  var note = document.getElementById("where-note"), choices = document.getElementById("place-choices");
  var config = document.getElementById("resident-map-config");
  if (!config || !lon) return;
  var all = JSON.parse(config.textContent), cfg = all.basemap ? all : null;
  var searchUrl = all.search, words = all.words;
  var crs = cfg ? cfg.basemap.crs : "wgs84";
  var map = null, marker = null;

  function setForm(wlon, wlat) { lon.value = wlon.toFixed(6); lat.value = wlat.toFixed(6); }

  // Put the pin at a WGS-84 point (the form's), with an optional label.
  function pinAt(wlon, wlat, label) {
    setForm(wlon, wlat);
    if (map) {
      var shown = finegridMaps.fromWgs84(wlon, wlat, crs), at = [shown[1], shown[0]];
      if (!marker) {
        marker = L.marker(at, { draggable: true, title: words.pin, keyboard: true }).addTo(map);
        marker.on("dragend", function () { var p = marker.getLatLng(); fromMap(p.lng, p.lat); });
      } else { marker.setLatLng(at); }
      if (label) marker.bindTooltip(label, { permanent: true, direction: "top", className: "map-label", offset: [0, -30] }).openTooltip();
      else marker.unbindTooltip();
      if (map.getZoom() < 16) map.setView(at, 17); else map.panTo(at);
    } else if (window.finegridPin) {
      window.finegridPin(wlon, wlat);
    }
  }

  function fromMap(mlon, mlat) {
    var w = finegridMaps.toWgs84(mlon, mlat, crs);
    pinAt(w[0], w[1]);
    check();
  }

  function ask(params) {
    var query = Object.keys(params).map(function (k) { return k + "=" + encodeURIComponent(params[k]); }).join("&");
    return fetch(searchUrl + "?" + query, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); });
  }

  function offer(places, intro) {
    choices.textContent = "";
    note.textContent = intro || "";
    places.forEach(function (place) {
      var li = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.textContent = place.name + (place.street ? "（" + place.street + "）" : "");
      button.addEventListener("click", function () {
        pinAt(place.lon, place.lat, place.name);
        choices.textContent = ""; note.textContent = "";
      });
      li.appendChild(button); choices.appendChild(li);
    });
  }

  // The address box's places: one inside the district moves the pin at once; several ask which.
  function search() {
    var text = address.value.trim();
    if (text.length < 2) { note.textContent = words.type; return Promise.resolve(); }
    return ask({ q: text }).then(function (answer) {
      var inside = (answer.places || []).filter(function (p) { return p.inside; });
      if (!inside.length) { offer([], words.none); return; }
      if (inside.length === 1) { offer([]); pinAt(inside[0].lon, inside[0].lat, inside[0].name); return; }
      offer(inside, words.which);
    });
  }

  // The pin is outside the district: name the places the address gives, rather than refuse.
  function check() {
    if (!lon.value || !lat.value) return Promise.resolve();
    var params = { lon: lon.value, lat: lat.value };
    if (address.value.trim().length >= 2) params.q = address.value.trim();
    return ask(params).then(function (answer) {
      if (answer.inside !== false) { if (!choices.children.length) note.textContent = ""; return; }
      var inside = (answer.places || []).filter(function (p) { return p.inside; });
      offer(inside, words.outside + " " + (inside.length ? words.which : words.type));
    });
  }

  if (cfg) {
    document.getElementById("pin-base-map").dataset.crs = crs;
    map = finegridMaps.base(document.getElementById("pin-base-map"), cfg.basemap, { tap: true });
    var v = cfg.view;
    if (v.length === 4) map.fitBounds([[v[1], v[0]], [v[3], v[2]]]);
    L.control.scale({ imperial: false }).addTo(map);
    map.on("click", function (e) { fromMap(e.latlng.lng, e.latlng.lat); });
    if (lon.value && lat.value) pinAt(+lon.value, +lat.value);
    var here = document.getElementById("here");
    if (here && navigator.geolocation) {
      here.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (p) { pinAt(p.coords.longitude, p.coords.latitude); check(); });
      });
    }
    window.finegridResidentMap = map;  // for the browser test
  } else {
    var sketch = document.getElementById("pin-map");
    if (sketch) sketch.addEventListener("click", function () { setTimeout(check, 0); });
  }
  if (find) find.addEventListener("click", search);
  if (address) address.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); search(); } });
  check();
})();
