// The patrol page's map shows the worker where they are: a dot that follows the phone's GPS
// (watchPosition), with its accuracy, over the worker's own grids — on the district's tiles when
// configured (shifted onto GCJ-02/BD-09 tiles by basemap.js), else on the offline sketch.
(function () {
  "use strict";
  var note = document.getElementById("me-note");
  var configNode = document.getElementById("patrol-map-config");
  var cfg = configNode ? JSON.parse(configNode.textContent) : null;
  var sketch = document.getElementById("patrol-sketch");
  var show;

  if (cfg && window.L) {
    var holder = document.getElementById("patrol-base-map");
    var map = finegridMaps.base(holder, cfg.basemap);
    var areas = L.geoJSON(cfg.areas, {
      style: function (f) { return { color: "#17365d", weight: f.properties.grid ? 2 : 0.8, fillOpacity: f.properties.grid ? 0 : 0.12 }; },
      onEachFeature: function (f, shape) { shape.bindTooltip(f.properties.title); }
    }).addTo(map);
    if (cfg.areas.features.length) map.fitBounds(areas.getBounds(), { padding: [8, 8] });
    var dot = null, ring = null;
    show = function (lon, lat, accuracy) {
      var p = finegridMaps.fromWgs84(lon, lat, cfg.basemap.crs), at = [p[1], p[0]];
      if (!dot) {
        ring = L.circle(at, { radius: accuracy, weight: 1, color: "#1a73e8", fillOpacity: 0.1, interactive: false }).addTo(map);
        dot = L.marker(at, { icon: L.divIcon({ className: "me-mark", iconSize: [16, 16] }), title: cfg.words.me }).addTo(map);
      } else { dot.setLatLng(at); ring.setLatLng(at).setRadius(accuracy); }
      holder.dataset.me = p[0].toFixed(6) + "," + p[1].toFixed(6);
    };
    window.finegridPatrolMap = map;  // for the browser test
  } else if (sketch) {
    var me = document.getElementById("me"), d = sketch.dataset;
    show = function (lon, lat) {
      me.setAttribute("cx", ((lon - +d.minx) * +d.kx * +d.scale).toFixed(1));
      me.setAttribute("cy", ((+d.maxy - lat) * +d.scale).toFixed(1));
      me.setAttribute("visibility", "visible");
    };
  }
  if (!show || !navigator.geolocation) return;
  navigator.geolocation.watchPosition(function (p) {
    show(p.coords.longitude, p.coords.latitude, p.coords.accuracy || 10);
    if (note) note.textContent = "";
  }, function () {
    if (note && cfg) note.textContent = cfg.words.nogps;
  }, { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
})();
