// Countdowns to a block-time deadline (data-deadline, unix ms), counted
// from the block time the page was served at (data-now): the offset between
// the ledger's clock and this browser's is taken once per element, so a
// wrong clock on the phone does not change the time left. htmx swaps bring
// new elements with a fresh data-now.
(function () {
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var els = document.querySelectorAll("[data-deadline]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el._off === undefined) { el._off = Number(el.dataset.now) - Date.now(); }
      var left = Number(el.dataset.deadline) - (Date.now() + el._off);
      if (!(left > 0)) { el.textContent = el.dataset.closing || ""; continue; }
      var s = Math.floor(left / 1000), d = Math.floor(s / 86400);
      s %= 86400;
      var h = Math.floor(s / 3600); s %= 3600;
      var m = Math.floor(s / 60); s %= 60;
      el.textContent = (d ? d + (el.dataset.day || "d") + " " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    }
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
})();

// Phone layouts: each table cell gets its column's header as data-label,
// which the stylesheet shows above the cell when a narrow screen lays rows
// out as cards. And a region that scrolls sideways (a wide chart, a graph)
// can be scrolled from the keyboard: it takes the focus.
(function () {
  function label(root) {
    var tables = (root || document).querySelectorAll("table");
    for (var t = 0; t < tables.length; t++) {
      var heads = tables[t].querySelectorAll("thead th");
      if (!heads.length) { continue; }
      var rows = tables[t].querySelectorAll("tbody tr");
      for (var r = 0; r < rows.length; r++) {
        var cells = rows[r].children;
        for (var c = 0, col = 0; c < cells.length; c++) {
          var h = heads[col];
          if (h && !cells[c].hasAttribute("data-label")) {
            var text = h.textContent.trim();
            if (text) { cells[c].setAttribute("data-label", text); }
          }
          col += cells[c].colSpan || 1;
        }
      }
    }
    var wraps = document.querySelectorAll(".table-scroll, .chart-wrap, .graph-wrap, .gantt-wrap, pre");
    for (var i = 0; i < wraps.length; i++) {
      var el = wraps[i];
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
      }
    }
  }
  document.addEventListener("DOMContentLoaded", function () { label(); });
  document.addEventListener("htmx:afterSwap", function (e) { label(e.target); });
  window.addEventListener("resize", function () { label(); });
})();
