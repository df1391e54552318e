// Refresh the signature count while the page is open. The page works without
// this: the count in the HTML is at most a few seconds old when served.
(function () {
  "use strict";
  var el = document.querySelector("[data-count]");
  if (!el || !window.fetch) return;
  var url = el.getAttribute("data-count-url");
  var fmt = new Intl.NumberFormat("en-GB");
  function refresh() {
    if (document.hidden) return;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && typeof data.signature_count === "number") {
          el.textContent = fmt.format(data.signature_count);
        }
      })
      .catch(function () {});
  }
  setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);
})();
