/* The coordinator's map: points come from a JSON endpoint named in a data- attribute (no inline
   script, so the Content-Security-Policy can forbid it). Without tiles the points still show.
   Each point opens a popup with the person's name, role and a link to their record; each
   pairing is a line whose popup gives its distance. Popups are built with DOM nodes and
   textContent, so a name can never become markup. */
(function () {
  "use strict";
  var box = document.getElementById("console-map");
  if (!box || typeof L === "undefined") { return; }
  var tiles = box.getAttribute("data-tiles");
  var attribution = box.getAttribute("data-attribution") || "";
  var MILES_PER_KM = 1 / 1.609344;

  function popup(title, role, href, linkText) {
    var div = document.createElement("div");
    div.className = "map-popup";
    var name = document.createElement("p");
    name.className = "map-popup-name";
    name.textContent = title;
    var kind = document.createElement("p");
    kind.className = "map-popup-role";
    kind.textContent = role;
    var link = document.createElement("a");
    link.href = href;
    link.textContent = linkText;
    div.appendChild(name);
    div.appendChild(kind);
    div.appendChild(link);
    return div;
  }

  function distance(km) {
    if (km === null || km === undefined) { return "Distance not known"; }
    var miles = km * MILES_PER_KM;
    return "About " + (miles < 10 ? miles.toFixed(1) : Math.round(miles)) + " miles apart";
  }

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
      var links = data.links || {};
      var bounds = L.latLngBounds([]);
      var renderer = L.canvas({ padding: 0.2, tolerance: 6 });
      data.pairings.forEach(function (p) {
        var line = L.polyline([[p[0], p[1]], [p[2], p[3]]], {
          color: "#5e2606", weight: 2, opacity: 0.6, renderer: renderer
        }).addTo(map);
        line.bindPopup(popup("Pairing " + p[4], distance(p[5]), links.pairing + p[4], "Open the pairing"));
      });
      data.diners.forEach(function (d) {
        var point = L.latLng(d[0], d[1]);
        bounds.extend(point);
        L.circleMarker(point, {
          radius: 4, weight: 1, renderer: renderer,
          color: d[2] ? "#1d5e20" : "#b00020", fillOpacity: 0.8
        }).addTo(map).bindPopup(popup(
          d[4], d[2] ? "Diner with a cook" : "Diner waiting for a cook",
          links.diner + d[3], "Open " + d[4] + "'s record"
        ));
      });
      data.cooks.forEach(function (c) {
        var point = L.latLng(c[0], c[1]);
        bounds.extend(point);
        L.circleMarker(point, { radius: 5, weight: 2, renderer: renderer, color: "#1f3f8f", fillOpacity: 0.4 })
          .addTo(map)
          .bindPopup(popup(c[3], "Cook", links.cook + c[2], "Open " + c[3] + "'s record"));
      });
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.2)); } else { map.setView([52.5, -1.5], 6); }
      // The map on its element, so tests (and a future "show on map" link) can find a point.
      box.casseroleMap = map;
      box.setAttribute("data-cooks", String(data.cooks.length));
      box.setAttribute("data-diners", String(data.diners.length));
      box.setAttribute("data-pairings", String(data.pairings.length));
    })
    .catch(function () {
      box.innerHTML = "<p class=\"map-fallback\">The map could not be loaded; the list below shows the same by district.</p>";
    });
}());
