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
