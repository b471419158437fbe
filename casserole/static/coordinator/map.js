/* The coordinator's map: points come from a JSON endpoint named in a data- attribute (no inline
   script, so the Content-Security-Policy can forbid it). Without tiles the points still show. */
(function () {
  "use strict";
  var box = document.getElementById("console-map");
  if (!box || typeof L === "undefined") { return; }
  var tiles = box.getAttribute("data-tiles");
  var attribution = box.getAttribute("data-attribution") || "";

  fetch(box.getAttribute("data-points"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (data) {
      box.innerHTML = "";
      box.classList.add("map-ready");
      // Canvas draws tens of thousands of points quickly where SVG markers would not.
      var map = L.map(box, { preferCanvas: true, zoomSnap: 0.25 });
      if (tiles) {
        L.tileLayer(tiles, { attribution: attribution, maxZoom: 19 }).addTo(map);
      }
      var bounds = L.latLngBounds([]);
      var renderer = L.canvas({ padding: 0.2 });
      if (data.pairings.length) {
        var segments = data.pairings.map(function (p) { return [[p[0], p[1]], [p[2], p[3]]]; });
        L.polyline(segments, { color: "#5e2606", weight: 1, opacity: 0.5, renderer: renderer }).addTo(map);
      }
      data.diners.forEach(function (d) {
        var point = L.latLng(d[0], d[1]);
        bounds.extend(point);
        L.circleMarker(point, {
          radius: 3, weight: 1, renderer: renderer,
          color: d[2] ? "#1d5e20" : "#b00020", fillOpacity: 0.8
        }).addTo(map);
      });
      data.cooks.forEach(function (c) {
        var point = L.latLng(c[0], c[1]);
        bounds.extend(point);
        L.circleMarker(point, { radius: 4, weight: 2, renderer: renderer, color: "#1f3f8f", fillOpacity: 0.4 }).addTo(map);
      });
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.05)); } else { map.setView([52.5, -1.5], 6); }
      box.setAttribute("data-cooks", String(data.cooks.length));
      box.setAttribute("data-diners", String(data.diners.length));
      box.setAttribute("data-pairings", String(data.pairings.length));
    })
    .catch(function () {
      box.innerHTML = "<p class=\"map-fallback\">The map could not be loaded; the list below shows the same by district.</p>";
    });
}());
