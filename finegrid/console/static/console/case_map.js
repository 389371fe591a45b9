// The case page's map on the district's tiles: the case's grid and micro-grids, and its marker —
// at its GPS point, or at the place its address names (the server says which, and the page says so).
(function () {
  "use strict";
  var holder = document.getElementById("case-map");
  if (!holder || !window.L) return;
  var cfg = finegridMaps.config("case-map-config");
  var map = finegridMaps.base(holder, cfg.basemap, { scrollWheelZoom: false });
  var areas = L.geoJSON(cfg.areas, {
    style: function (f) { return { color: "#17365d", weight: f.properties.mine ? 2.5 : 1, fillOpacity: f.properties.mine ? 0.18 : 0.05 }; },
    onEachFeature: function (f, shape) { shape.bindTooltip(f.properties.title); }
  }).addTo(map);
  map.fitBounds(areas.getBounds(), { padding: [12, 12] });
  if (cfg.pin) {
    var at = [cfg.pin.at[1], cfg.pin.at[0]];
    L.circleMarker(at, { radius: 8, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1, className: "case-pin " + cfg.pin.how })
      .addTo(map);
  }
  holder.dataset.ready = "1";
})();
