// The base map every page's map shares (Leaflet, from npm): the district's configured tiles with
// their credit line and 审图号, the coordinate conversions of grid/coords.py (a phone's GPS is
// WGS-84; 高德 tiles are GCJ-02, 百度's BD-09) and labels that do not collide.
(function () {
  "use strict";
  var A = 6378245.0, EE = 0.00669342162296594323, X_PI = Math.PI * 3000.0 / 180.0;

  function outOfChina(lon, lat) { return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271); }

  // The same formulas as finegrid/grid/coords.py (the browser test checks they agree).
  function offset(lon, lat) {
    var x = lon - 105.0, y = lat - 35.0;
    var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    var waves = (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    dlat += waves + (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    dlat += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320.0 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    dlon += waves + (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    dlon += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    var radlat = lat / 180.0 * Math.PI, magic = 1 - EE * Math.sin(radlat) * Math.sin(radlat), sq = Math.sqrt(magic);
    return [dlon * 180.0 / (A / sq * Math.cos(radlat) * Math.PI), dlat * 180.0 / ((A * (1 - EE)) / (magic * sq) * Math.PI)];
  }
  function wgsToGcj(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    var d = offset(lon, lat);
    return [lon + d[0], lat + d[1]];
  }
  function gcjToBd(lon, lat) {
    var z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
    var t = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI);
    return [z * Math.cos(t) + 0.0065, z * Math.sin(t) + 0.006];
  }
  function invert(forward, lon, lat) {  // a fixed point: no closed inverse exists
    var x = lon, y = lat;
    for (var i = 0; i < 30; i++) {
      var f = forward(x, y), ex = lon - f[0], ey = lat - f[1];
      x += ex; y += ey;
      if (Math.abs(ex) < 1e-9 && Math.abs(ey) < 1e-9) break;
    }
    return [x, y];
  }
  var FORWARD = {
    wgs84: function (lon, lat) { return [lon, lat]; },
    gcj02: wgsToGcj,
    bd09: function (lon, lat) { var g = wgsToGcj(lon, lat); return gcjToBd(g[0], g[1]); }
  };
  function fromWgs84(lon, lat, system) { return FORWARD[system || "wgs84"](lon, lat); }
  function toWgs84(lon, lat, system) {
    if (!system || system === "wgs84") return [lon, lat];
    return invert(FORWARD[system], lon, lat);
  }

  function config(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // A Leaflet map on the configured tiles; `cfg` is core/basemap.py's for_page().
  function base(element, cfg, options) {
    var map = L.map(element, Object.assign({ zoomSnap: 0.5, maxZoom: cfg.maxZoom, attributionControl: true }, options || {}));
    map.attributionControl.setPrefix("");
    var tileOptions = { maxZoom: cfg.maxZoom, subdomains: cfg.subdomains, attribution: cfg.attribution, crossOrigin: false };
    L.tileLayer(cfg.tiles, tileOptions).addTo(map);
    if (cfg.labels) L.tileLayer(cfg.labels, Object.assign({}, tileOptions, { attribution: "" })).addTo(map);
    return map;
  }

  // Labels that do not collide: the permanent tooltips of `layer`, most important first (`rank`,
  // larger first), each shown only when its box overlaps no label already shown.
  function declutter(map, tooltips, rank) {
    var shown = [];
    var view = map.getContainer().getBoundingClientRect();
    tooltips.slice().sort(function (a, b) { return rank(b) - rank(a); }).forEach(function (tip) {
      var el = tip.getElement && tip.getElement();
      if (!el) return;
      el.style.visibility = "hidden";
      el.classList.remove("collides");
      var box = el.getBoundingClientRect();
      var inside = box.left >= view.left && box.right <= view.right && box.top >= view.top && box.bottom <= view.bottom;
      var free = inside && shown.every(function (other) {
        return box.right + 2 < other.left || box.left - 2 > other.right || box.bottom + 1 < other.top || box.top - 1 > other.bottom;
      });
      if (free) { el.style.visibility = "visible"; shown.push(box); } else { el.classList.add("collides"); }
    });
    return shown.length;
  }

  window.finegridMaps = { fromWgs84: fromWgs84, toWgs84: toWgs84, config: config, base: base, declutter: declutter };
})();
