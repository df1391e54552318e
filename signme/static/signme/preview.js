// Live preview of a petition's text: after a pause in typing, ask the server
// to render it exactly as the Preview button does, and show its preview.
// Without this script the Preview button does the same in a full page load.
(function () {
  var body = document.getElementById("id_body");
  if (!body || !window.fetch || !window.DOMParser) return;
  var form = body.form;
  var timer = null;

  function target() {
    var shown = document.getElementById("preview-body");
    if (shown) return shown;
    var section = document.createElement("section");
    section.className = "preview";
    var heading = document.createElement("h2");
    heading.textContent = "Preview: more about the petition";
    var div = document.createElement("div");
    div.className = "preview-body";
    div.id = "preview-body";
    section.appendChild(heading);
    section.appendChild(div);
    body.parentNode.insertAdjacentElement("afterend", section);
    return div;
  }

  function refresh() {
    var data = new FormData(form);
    data.set("preview", "1");
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var rendered = page.getElementById("preview-body");
        if (rendered) target().replaceChildren.apply(target(), Array.from(rendered.childNodes));
      })
      .catch(function () {});
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });
})();
