// Refresh the signature counts while the page is open: the total, the split
// between online and paper, and the progress to each threshold, all from one
// count.json, so the numbers on the page always agree with each other.
// The page works without this: the counts in the HTML are at most a few
// seconds old when served.
(function () {
  "use strict";
  var el = document.querySelector("[data-count]");
  if (!el || !window.fetch) return;
  var url = el.getAttribute("data-count-url");
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "en-GB");
  function set(selector, value) {
    var node = document.querySelector(selector);
    if (node && typeof value === "number") node.textContent = fmt.format(value);
  }
  function refresh() {
    if (document.hidden) return;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || typeof data.signature_count !== "number") return;
        set("[data-count]", data.signature_count);
        set("[data-count-online]", data.online);
        set("[data-count-paper]", data.paper);
        var word = document.querySelector("[data-count-word]");
        // The page's own words, in its language (Welsh has one form here).
        if (word) {
          word.textContent = word.getAttribute(
            data.signature_count === 1 ? "data-word-one" : "data-word-other"
          );
        }
        var total = data.signature_count;
        document.querySelectorAll("[data-step]").forEach(function (step) {
          var goal = Number(step.getAttribute("data-step"));
          var percent = Math.min(100, Math.floor(total * 100 / goal));
          var bar = step.querySelector("progress");
          if (bar) {
            bar.value = Math.min(total, goal);
            bar.textContent = percent + "%";
          }
          var pct = step.querySelector("[data-step-percent]");
          if (pct) pct.textContent = percent;
          var rest = step.querySelector("[data-step-remaining]");
          if (rest) rest.textContent = fmt.format(Math.max(0, goal - total));
        });
      })
      .catch(function () {});
  }
  setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);
})();
