// Results review: keyboard shortcuts (j/k move, c confirm, r reject, x select) and manual matching
// with a running sum and difference kept exact (amounts as integer units of 1/10,000 in BigInt).
(function () {
  "use strict";

  var SCALE = 4;
  var bar, storeKey;

  function toUnits(text) {
    var negative = text.charAt(0) === "-";
    var parts = text.replace("-", "").split(".");
    var frac = ((parts[1] || "") + "0000").slice(0, SCALE);
    var units = BigInt(parts[0] || "0") * 10000n + BigInt(frac);
    return negative ? -units : units;
  }

  function format(units) {
    var negative = units < 0n;
    var abs = negative ? -units : units;
    var whole = (abs / 10000n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var frac = (abs % 10000n).toString().padStart(SCALE, "0").replace(/0{1,2}$/, "");
    if (frac.length < 2) frac = frac.padEnd(2, "0");
    return (negative ? "-" : "") + whole + "." + frac;
  }

  function load() {
    try { return JSON.parse(sessionStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function save(selection) { sessionStorage.setItem(storeKey, JSON.stringify(selection)); }

  function render() {
    var selection = load();
    var sums = { left: 0n, right: 0n }, counts = { left: 0, right: 0 };
    Object.keys(selection).forEach(function (id) {
      var item = selection[id];
      sums[item.side] += toUnits(item.amount);
      counts[item.side] += 1;
    });
    document.getElementById("sel-left-count").textContent = counts.left;
    document.getElementById("sel-right-count").textContent = counts.right;
    document.getElementById("sel-left-sum").textContent = format(sums.left);
    document.getElementById("sel-right-sum").textContent = format(sums.right);
    document.getElementById("sel-diff").textContent = format(sums.right - sums.left);
    bar.hidden = counts.left + counts.right === 0;
    document.getElementById("manual-create").disabled = !(counts.left && counts.right);
    document.querySelectorAll("input.select-record").forEach(function (box) {
      box.checked = Object.prototype.hasOwnProperty.call(selection, box.getAttribute("data-record"));
      var row = box.closest("tr");
      if (row && row.id === "record-" + box.getAttribute("data-record")) row.classList.toggle("is-selected", box.checked);
    });
  }

  function toggle(box) {
    var selection = load(), id = box.getAttribute("data-record");
    if (box.checked) selection[id] = { side: box.getAttribute("data-side"), amount: box.getAttribute("data-amount") };
    else delete selection[id];
    save(selection);
    render();
    if (box.checked) keepClearOfBar(box.closest("tr"));
  }

  // The sticky bar sits at the bottom of the window: on a phone it would cover the row just
  // selected there. Scroll that row up above it, and keep keyboard focus scrolling clear too.
  function keepClearOfBar(row) {
    if (!row || bar.hidden) return;
    var top = bar.getBoundingClientRect().top, bottom = row.getBoundingClientRect().bottom;
    document.documentElement.style.scrollPaddingBottom = bar.offsetHeight + 16 + "px";
    if (bottom > top) window.scrollBy(0, bottom - top + 8);
  }

  function createMatch() {
    var selection = load(), left = [], right = [];
    Object.keys(selection).forEach(function (id) { (selection[id].side === "left" ? left : right).push(Number(id)); });
    fetch(bar.getAttribute("data-url"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": Tally.csrfToken(), "HX-Request": "true" },
      body: JSON.stringify({ left_record_ids: left, right_record_ids: right, note: noteText() }),
    }).then(function (response) {
      if (response.ok) {
        return response.json().then(function (match) {
          save({});
          sessionStorage.setItem("tally-flash", "Manual match #" + match.id + " created: " + match.explanation);
          window.location.reload();
        });
      }
      return response.text().then(function (text) {
        var answer = null;
        try { answer = JSON.parse(text); } catch (e) { answer = null; }
        if (answer && answer.needs_reason) {
          // The difference is more than the rules allow: ask why, then the reviewer tries again.
          document.getElementById("manual-note-field").hidden = false;
          document.getElementById("manual-note").focus();
          Tally.flash(answer.errors[0], "error");
        } else if (text.charAt(0) === "<") Tally.flash(text);
        else Tally.flash("The records could not be matched (" + response.status + ").", "error");
      });
    });
  }

  function noteText() {
    var field = document.getElementById("manual-note");
    var text = field ? field.value.trim() : "";
    return text || null;
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#results-table tbody tr[tabindex]")); }

  var PENDING = ["suggested", "ambiguous"];
  function nextPending(row) {
    var list = rows(), start = list.indexOf(row);
    for (var step = 1; step < list.length; step++) {
      var candidate = list[(start + step) % list.length];
      if (PENDING.indexOf(candidate.getAttribute("data-status")) !== -1) return candidate;
    }
    return null;
  }

  function onKey(event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName) && !(target.tagName === "INPUT" && target.type === "checkbox")) return;
    var list = rows();
    if (!list.length) return;
    var row = target.closest ? target.closest("#results-table tbody tr") : null;
    var index = row ? list.indexOf(row) : -1;
    var key = event.key;
    if (key === "j" || key === "k") {
      var next = key === "j" ? Math.min(index + 1, list.length - 1) : Math.max(index - 1, 0);
      list[next].focus();
      event.preventDefault();
    } else if (row && (key === "c" || key === "r")) {
      var button = row.querySelector(key === "c" ? "button.confirm" : "button.reject");
      if (button) { button.click(); event.preventDefault(); }
    } else if (row && key === "x") {
      var box = row.querySelector("input.select-record");
      if (box) { box.checked = !box.checked; toggle(box); event.preventDefault(); }
    }
  }

  function init() {
    var notice = sessionStorage.getItem("tally-flash");
    if (notice) { sessionStorage.removeItem("tally-flash"); Tally.flash(notice, "ok"); }
    document.addEventListener("keydown", onKey);
    document.documentElement.setAttribute("data-keys", "ready");
    // Another reviewer acted first: the server answers 409 with the row as it is now; show it.
    document.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.xhr.status === 409) { event.detail.shouldSwap = true; event.detail.isError = false; }
    });
    // After a decision, focus moves on to the next match still waiting for one; a row refreshed
    // by a conflict keeps the focus, so the reviewer sees what changed.
    document.addEventListener("htmx:afterSwap", function (event) {
      var row = event.detail.target;
      if (row && row.id && row.id.indexOf("match-") === 0) {
        var fresh = document.getElementById(row.id);
        var next = event.detail.xhr.status === 200 && fresh ? nextPending(fresh) : null;
        if (next) next.focus();
        else if (fresh) fresh.focus();
      } else { render(); }
    });
    bar = document.getElementById("manual-bar");
    if (!bar) return;
    storeKey = "tally-selection-" + bar.getAttribute("data-job");
    document.addEventListener("change", function (event) {
      if (event.target.classList && event.target.classList.contains("select-record")) toggle(event.target);
    });
    document.getElementById("manual-clear").addEventListener("click", function () { save({}); render(); });
    document.getElementById("manual-create").addEventListener("click", createMatch);
    render();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
