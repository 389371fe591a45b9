// A tracked report's place: its pin alone on the district's approved base map (no grid shapes).
(function () {
  "use strict";
  var holder = document.getElementById("track-map");
  if (!holder || !window.L) return;
  var cfg = finegridMaps.config("track-map-config");
  var map = finegridMaps.base(holder, cfg.basemap, { scrollWheelZoom: false });
  var at = [cfg.pin[1], cfg.pin[0]];
  map.setView(at, Math.min(17, cfg.basemap.maxZoom));
  L.marker(at, { keyboard: false }).addTo(map);
  holder.dataset.ready = "1";
})();
