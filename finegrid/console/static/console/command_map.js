// The command centre's map on the district's base map: the areas of the level the zoom shows
// (streets, then communities, then grids) coloured by their open or overdue cases, the cases in
// view clustered at the zoom, and the sensor sites. Every layer is GeoJSON from the server, which
// narrows it to the viewer's scope and shifts it onto the tiles' coordinate system.
(function () {
  "use strict";
  var holder = document.getElementById("base-map");
  if (!holder || !window.L) return;
  var cfg = finegridMaps.config("base-map-config");
  var map = finegridMaps.base(holder, cfg.basemap);
  var LEVEL_AT = [[14.5, "grid"], [12.5, "community"], [0, "street"]];  // the zoom each level starts at
  var LABEL_ZOOM = { street: 10, community: 12.5, grid: 14.5 };  // names are printed from this zoom on
  var loaded = {}, current = null, tooltips = [];
  var areaPane = map.createPane("areas"); areaPane.style.zIndex = 350;
  var areas = L.layerGroup().addTo(map), cases = L.layerGroup().addTo(map), sites = L.layerGroup().addTo(map);
  L.control.layers(null, (function () {
    var overlays = {}; overlays[cfg.words.areas] = areas; overlays[cfg.words.cases] = cases; overlays[cfg.words.sites] = sites;
    return overlays;
  })(), { collapsed: false }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  function levelFor(zoom) {
    for (var i = 0; i < LEVEL_AT.length; i++) if (zoom >= LEVEL_AT[i][0]) return LEVEL_AT[i][1];
    return "street";
  }
  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }
  function query(extra) { return "?measure=" + encodeURIComponent(cfg.measure) + (extra || ""); }

  function drawAreas(level, data) {
    areas.clearLayers();
    tooltips.forEach(function (tip) { if (map.hasLayer(tip)) map.removeLayer(tip); });
    tooltips = [];
    var layer = L.geoJSON(data, {
      pane: "areas",
      style: function (f) { return { color: "#17365d", weight: level === "grid" ? 0.8 : 1.4, fillColor: f.properties.fill, fillOpacity: 0.38 }; },
      onEachFeature: function (f, shape) {
        shape.bindPopup(function () {
          var div = document.createElement("div");
          var strong = document.createElement("strong"); strong.textContent = f.properties.name;
          div.appendChild(strong);
          div.appendChild(document.createTextNode(" " + f.properties.code + " · " + cfg.words.open + " " + f.properties.n));
          return div;
        });
        shape.on("dblclick", function (e) { L.DomEvent.stop(e); map.fitBounds(shape.getBounds()); });
        var tip = L.tooltip({ permanent: true, direction: "center", className: "map-label", interactive: false })
          .setLatLng([f.properties.label[1], f.properties.label[0]]).setContent(f.properties.name);
        tip.rank = f.properties.n; tip.level = level;
        tooltips.push(tip);
      }
    });
    areas.addLayer(layer);
    current = level;
    labels();
  }

  function labels() {
    var show = current && map.getZoom() >= LABEL_ZOOM[current];
    tooltips.forEach(function (tip) {
      if (show && !map.hasLayer(tip)) tip.addTo(map);
      if (!show && map.hasLayer(tip)) map.removeLayer(tip);
    });
    holder.dataset.labels = show ? finegridMaps.declutter(map, tooltips, function (t) { return t.rank; }) : 0;
  }

  function bboxOf(bounds) {
    return [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (v) { return v.toFixed(6); }).join(",");
  }

  // Streets and communities are read once; grids for the view (padded), again when it leaves it.
  var gridBounds = null;
  function refreshAreas() {
    var level = levelFor(map.getZoom());
    if (level === "grid") {
      if (current === "grid" && gridBounds && gridBounds.contains(map.getBounds())) { labels(); return Promise.resolve(); }
      var padded = map.getBounds().pad(0.5);
      return get(cfg.urls.areas + query("&level=grid&bbox=" + bboxOf(padded))).then(function (data) {
        if (levelFor(map.getZoom()) !== "grid") return;
        gridBounds = padded; drawAreas("grid", data);
      });
    }
    gridBounds = null;
    if (level === current) { labels(); return Promise.resolve(); }
    var got = loaded[level] || (loaded[level] = get(cfg.urls.areas + query("&level=" + level)));
    return got.then(function (data) { if (levelFor(map.getZoom()) === level) drawAreas(level, data); });
  }

  function refreshCases() {
    var zoom = Math.round(map.getZoom());
    return get(cfg.urls.cases + query("&zoom=" + zoom + "&bbox=" + bboxOf(map.getBounds()))).then(function (data) {
      cases.clearLayers();
      L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          var n = f.properties.n, size = Math.round(18 + Math.min(18, Math.sqrt(n) * 2));
          var icon = L.divIcon({ className: "case-bubble" + (n === 1 ? " one" : ""), html: n === 1 ? "" : String(n),
                                 iconSize: [n === 1 ? 12 : size, n === 1 ? 12 : size] });
          var marker = L.marker(latlng, { icon: icon, title: f.properties.ticket || (n + " " + cfg.words.cases), keyboard: true });
          marker.on("click", function () {
            if (n > 1 && map.getZoom() < map.getMaxZoom() - 1) map.setView(latlng, map.getZoom() + 2);
            else window.location.href = f.properties.href;
          });
          return marker;
        }
      }).addTo(cases);
      holder.dataset.cases = data.features.length;
    });
  }

  function refreshSites() {
    return get(cfg.urls.sites).then(function (data) {
      L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          var icon = L.divIcon({ className: "site-mark" + (f.properties.alarms ? " alarm" : ""), iconSize: [12, 12] });
          return L.marker(latlng, { icon: icon, title: f.properties.name })
            .on("click", function () { window.location.href = f.properties.href; });
        }
      }).addTo(sites);
      holder.dataset.sites = data.features.length;
    });
  }

  var bounds = cfg.bounds;  // west, south, east, north of the viewer's areas, on the tiles
  map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]]);
  var pending = null;
  map.on("moveend", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      Promise.all([refreshAreas(), refreshCases()]).then(function () { holder.dataset.ready = "1"; });
    }, 120);
  });
  map.on("zoomend", labels);
  Promise.all([refreshAreas(), refreshCases(), refreshSites()]).then(function () { holder.dataset.ready = "1"; });
  window.finegridCommandMap = map;  // for the browser test
})();
