// A tap on the district map sets the report's point; "Use my location" asks the phone's GPS.
// The SVG's data-* attributes carry the server's projection (grid/svg.py Frame), inverted here.
(function () {
  var map = document.getElementById("pin-map");
  if (!map) return;
  var pin = document.getElementById("pin"), lon = document.getElementById("lon"), lat = document.getElementById("lat");
  var minx = +map.dataset.minx, maxy = +map.dataset.maxy, kx = +map.dataset.kx, scale = +map.dataset.scale;
  function show(x, y) { pin.setAttribute("cx", x); pin.setAttribute("cy", y); pin.setAttribute("visibility", "visible"); }
  function set(lo, la) {
    lon.value = lo.toFixed(6); lat.value = la.toFixed(6);
    show((lo - minx) * kx * scale, (maxy - la) * scale);
  }
  map.addEventListener("click", function (event) {
    var point = map.createSVGPoint();
    point.x = event.clientX; point.y = event.clientY;
    var local = point.matrixTransform(map.getScreenCTM().inverse());
    set(minx + local.x / (kx * scale), maxy - local.y / scale);
  });
  var here = document.getElementById("here");
  if (here && navigator.geolocation) {
    here.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (p) { set(p.coords.longitude, p.coords.latitude); });
    });
  }
  window.finegridPin = set;  // the address search (resident_map.js) moves the pin too
  if (lon.value && lat.value) set(+lon.value, +lat.value);
})();
