// Tally's page glue: the CSRF header on every htmx request, and errors shown in the alert region.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function flash(html, kind) {
    var region = document.getElementById("flash");
    if (!region) return;
    if (kind) {
      var div = document.createElement("div");
      div.className = "alert alert-" + kind;
      div.textContent = html;
      region.replaceChildren(div);
    } else {
      region.innerHTML = html;
    }
    region.scrollIntoView({ block: "nearest" });
  }

  window.Tally = { csrfToken: csrfToken, flash: flash };

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var type = xhr.getResponseHeader("content-type") || "";
    if (type.indexOf("text/html") === 0 && xhr.responseText.indexOf('class="alert') !== -1) {
      flash(xhr.responseText);
    } else {
      flash("That did not work (" + xhr.status + "). Reload the page and try again.", "error");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    flash("Tally could not be reached. Check your connection and try again.", "error");
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var region = document.getElementById("flash");
    if (region) region.replaceChildren();
  });
})();
