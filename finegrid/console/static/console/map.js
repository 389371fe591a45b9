// The command centre's map zooms level by level (district → streets → communities → grids →
// micro-grids): scrolling up over an area opens it, as a click does; scrolling down goes up one
// level; "+" and "−" do the same from the keyboard on a focused area. The links carry htmx
// attributes, so each step swaps the map in place and keeps the address bar in step.
(function () {
  "use strict";
  var PAUSE_MS = 700; // one wheel gesture fires many events: one level per gesture
  var lastStep = 0;

  function follow(link) {
    if (!link) return;
    link.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
  }

  function zoomOutLink() {
    return document.querySelector("#district-map [data-zoom-out]");
  }

  document.addEventListener("wheel", function (event) {
    var map = event.target.closest && event.target.closest("#district-map svg.map");
    if (!map) return;
    event.preventDefault();
    var now = Date.now();
    if (now - lastStep < PAUSE_MS) return;
    lastStep = now;
    if (event.deltaY < 0) {
      follow(event.target.closest("a[hx-get]"));
    } else if (event.deltaY > 0) {
      follow(zoomOutLink());
    }
  }, { passive: false });

  document.addEventListener("keydown", function (event) {
    var area = event.target.closest && event.target.closest("#district-map svg.map a[hx-get]");
    if (!area) return;
    if (event.key === "+" || event.key === "=") {
      event.preventDefault();
      follow(area);
    } else if (event.key === "-") {
      event.preventDefault();
      follow(zoomOutLink());
    }
  });
})();
