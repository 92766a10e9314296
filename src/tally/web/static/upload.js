// Add a data source: read only the head of the chosen file (File.slice) for the preview, let the
// user fix the mapping, then stream the whole file with XHR (the browser reads it from disk as it
// sends; this script never holds it) and hand over to the live ingest panel.
(function () {
  "use strict";

  var root, file, head, options = null, profileId = null;

  function $(id) { return document.getElementById(id); }

  function humanSize(bytes) {
    var units = ["bytes", "KB", "MB", "GB", "TB"], i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
    return (i === 0 ? bytes : bytes.toFixed(1)) + " " + units[i];
  }

  function choose(chosen) {
    if (!chosen) return;
    file = chosen;
    var limit = Number(root.getAttribute("data-head-bytes"));
    // A workbook is a zip whose directory sits at its end: preview a small one whole.
    if (/\.xlsx$/i.test(file.name) && file.size <= Number(root.getAttribute("data-whole-bytes"))) limit = file.size;
    head = file.slice(0, limit);
    options = null;
    profileId = null;
    $("file-summary").textContent = file.name + " · " + humanSize(file.size);
    var name = $("source-name");
    if (name && !name.value) name.value = file.name.replace(/\.[^.]+$/, "");
    $("preview-section").hidden = false;
    preview();
  }

  // Every field is sent: an empty column says "not this field", so detection does not map it again
  // (a partial mapping is completed by detection on the server).
  function unmappedFields() {
    var mapping = {};
    document.querySelectorAll("#preview .field-select").forEach(function (select) {
      mapping[select.getAttribute("data-field")] = "";
    });
    return mapping;
  }

  function currentMapping() {
    var mapping = unmappedFields();
    document.querySelectorAll("#preview .mapping-select").forEach(function (select) {
      if (select.value) mapping[select.value] = select.getAttribute("data-column");
    });
    return mapping;
  }

  function pickedMapping() {
    var mapping = {};
    document.querySelectorAll("#preview .field-select").forEach(function (select) {
      mapping[select.getAttribute("data-field")] = select.value;
    });
    return mapping;
  }

  function preview(changes) {
    var body = new FormData();
    body.append("head", head, file.name);
    body.append("filename", file.name);
    body.append("complete", head.size >= file.size ? "true" : "false");
    body.append("options", JSON.stringify(Object.assign({}, options || {}, changes || {})));
    if (profileId) body.append("profile_id", profileId);
    var target = $("preview");
    target.setAttribute("aria-busy", "true");
    fetch(root.getAttribute("data-preflight-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": Tally.csrfToken(), "HX-Request": "true" },
    }).then(function (response) {
      return response.text().then(function (html) { return { ok: response.ok, html: html }; });
    }).then(function (result) {
      target.innerHTML = result.html;
      target.setAttribute("aria-busy", "false");
      var block = $("preflight-options");
      options = block ? JSON.parse(block.textContent) : null;
      var ready = result.ok && $("preview-result") && $("preview-result").getAttribute("data-can-upload") === "true";
      $("upload-section").hidden = !result.ok;
      $("upload-button").disabled = !ready;
    }).catch(function () {
      target.setAttribute("aria-busy", "false");
      Tally.flash("The preview could not be loaded. Check your connection and try again.", "error");
    });
  }

  // "Looks like <profile> — apply": read the file with that profile's options from now on.
  function onPreviewClick(event) {
    var el = event.target;
    if (el.hasAttribute("data-apply-profile")) {
      profileId = el.getAttribute("data-apply-profile");
      options = null;
      preview();
    } else if (el.id === "save-profile-button") {
      saveProfile();
    }
  }

  function saveProfile() {
    var name = $("profile-name");
    if (!name.value.trim()) { name.setAttribute("aria-invalid", "true"); name.focus(); return; }
    var columns = $("preflight-columns");
    var body = new FormData();
    body.append("name", name.value.trim());
    body.append("options", JSON.stringify(options || {}));
    body.append("header", columns ? columns.textContent : "[]");
    fetch(root.getAttribute("data-profiles-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": Tally.csrfToken(), "HX-Request": "true" },
    }).then(function (response) { return response.text(); })
      .then(function (html) { $("profile-saved").innerHTML = html; });
  }

  function onPreviewChange(event) {
    var el = event.target;
    if (el.classList.contains("mapping-select")) {
      // One column per field: choosing a field elsewhere releases it here.
      if (el.value) {
        document.querySelectorAll("#preview .mapping-select").forEach(function (other) {
          if (other !== el && other.value === el.value) other.value = "";
        });
      }
      preview({ mapping: currentMapping() });
    } else if (el.classList.contains("field-select")) {
      // One field per column: choosing this column for a field releases it from the others.
      if (el.value) {
        document.querySelectorAll("#preview .field-select").forEach(function (other) {
          if (other !== el && other.value === el.value) other.value = "";
        });
      }
      preview({ mapping: pickedMapping() });
    } else if (el.hasAttribute("data-option")) {
      if (!el.value) return;
      var change = {};
      change[el.getAttribute("data-option")] = el.value;
      preview(change);
    }
  }

  function upload(event) {
    event.preventDefault();
    var name = $("source-name");
    var form = new FormData();
    if (name) {
      if (!name.value.trim()) { name.setAttribute("aria-invalid", "true"); name.focus(); return; }
      name.removeAttribute("aria-invalid");
      form.append("name", name.value.trim());
    }
    var everything = $("include-duplicates");
    if (everything && everything.checked) form.append("include_duplicates", "true");
    if (profileId) form.append("profile_id", profileId);
    var onError = document.querySelector('input[name="on_error"]:checked').value;
    form.append("options", JSON.stringify(Object.assign({}, options || {}, { on_error: onError })));
    form.append("file", file, file.name);  // streamed from disk by the browser

    var xhr = new XMLHttpRequest();
    xhr.open("POST", root.getAttribute("data-upload-url"));
    xhr.setRequestHeader("X-CSRF-Token", Tally.csrfToken());
    xhr.setRequestHeader("HX-Request", "true");
    var bar = $("upload-bar");
    $("upload-progress").hidden = false;
    $("upload-button").disabled = true;
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      bar.max = e.total; bar.value = e.loaded;
      $("upload-bytes").textContent = humanSize(e.loaded) + " of " + humanSize(e.total);
    };
    xhr.onload = function () {
      if (xhr.status === 202) {
        $("upload-label").textContent = "Uploaded";
        var reply = JSON.parse(xhr.responseText);
        fetch(reply.progress_url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
          .then(function (r) { return r.text(); })
          .then(function (html) {
            var panel = $("ingest");
            panel.innerHTML = html;
            htmx.process(panel);
          });
      } else {
        $("upload-button").disabled = false;
        $("upload-label").textContent = "Upload failed";
        var type = xhr.getResponseHeader("content-type") || "";
        if (type.indexOf("text/html") === 0) Tally.flash(xhr.responseText);
        else Tally.flash("The upload failed (" + xhr.status + ").", "error");
      }
    };
    xhr.onerror = function () {
      $("upload-button").disabled = false;
      Tally.flash("The upload was interrupted. Check your connection and try again.", "error");
    };
    xhr.send(form);
  }

  function init() {
    root = $("uploader");
    if (!root) return;
    var zone = $("dropzone");
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) choose(e.dataTransfer.files[0]);
    });
    $("file-input").addEventListener("change", function (e) { choose(e.target.files[0]); });
    $("preview").addEventListener("change", onPreviewChange);
    $("preview").addEventListener("click", onPreviewClick);
    $("upload-form").addEventListener("submit", upload);
  }

  document.addEventListener("DOMContentLoaded", init);
})();
