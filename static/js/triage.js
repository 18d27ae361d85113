// Triage without page reloads: every control posts JSON and updates its row in place.
(function () {
  "use strict";
  var config = document.getElementById("triage-config");
  var table = document.getElementById("triage-table");
  if (!config || !table) return;
  var message = document.getElementById("triage-message");
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;

  function send(action, ids, value) {
    message.textContent = "…";
    return fetch(config.dataset.actionUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ action: action, themes: ids, value: value }),
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(data.detail || r.statusText);
        return data;
      });
    }).then(function (data) {
      data.themes.forEach(update);
      message.textContent = config.dataset.saved;
      return data;
    }).catch(function (err) { message.textContent = err.message; });
  }

  function rowOf(id) { return table.querySelector('tr[data-theme="' + id + '"]'); }

  function update(theme) {
    var row = rowOf(theme.id);
    if (!row) return;
    if (theme.merged_into) { row.classList.add("merged"); row.querySelector(".pick").checked = false; }
    row.querySelector('[data-field="title"]').textContent = theme.title;
    row.querySelector('[data-field="fan_count"]').textContent = theme.fan_count;
    var select = row.querySelector("[data-status]");
    if (!select.querySelector('option[value="' + theme.status + '"]')) {
      var option = document.createElement("option");
      option.value = theme.status; option.textContent = theme.status_label;
      select.appendChild(option);
    }
    select.value = theme.status;
    row.querySelector("[data-plan]").value = theme.target_version;
    row.querySelectorAll("[data-note]").forEach(function (b) {
      b.dataset.value = theme[b.dataset.note] || "";
    });
  }

  function selected() {
    return Array.prototype.map.call(table.querySelectorAll(".pick:checked"), function (c) { return Number(c.value); });
  }
  function countSelected() { document.getElementById("selected-count").textContent = selected().length; }

  table.addEventListener("change", function (event) {
    var el = event.target;
    var row = el.closest("tr[data-theme]");
    if (el.matches(".pick")) { countSelected(); return; }
    if (!row) return;
    var id = Number(row.dataset.theme);
    if (el.matches("[data-status]")) send("status", [id], el.value);
    if (el.matches("[data-plan]")) send("plan", [id], el.value);
  });
  table.addEventListener("click", function (event) {
    var el = event.target;
    var row = el.closest("tr[data-theme]");
    if (!row) return;
    var id = Number(row.dataset.theme);
    if (el.matches("[data-rename]")) {
      var title = window.prompt(config.dataset.promptTitle, row.querySelector('[data-field="title"]').textContent);
      if (title) send("rename", [id], title);
    }
    if (el.matches("[data-note]")) {
      var note = window.prompt(config.dataset.promptNote + " (" + el.textContent.trim() + ")", el.dataset.value || "");
      if (note !== null) send(el.dataset.note, [id], note);
    }
  });
  document.getElementById("select-all").addEventListener("change", function (event) {
    table.querySelectorAll(".pick").forEach(function (c) { c.checked = event.target.checked; });
    countSelected();
  });
  document.getElementById("bulk").addEventListener("click", function (event) {
    var action = event.target.dataset.bulk;
    if (!action) return;
    var ids = selected();
    var value = { status: document.getElementById("bulk-status").value,
                  plan: document.getElementById("bulk-version").value,
                  merge: document.getElementById("bulk-into").value }[action];
    send(action, ids, value);
  });

  // Keyboard: j/k move between rows, x toggles the row, / focuses the search box.
  var current = -1;
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    var rows = table.querySelectorAll("tbody tr[data-theme]");
    if (event.key === "/") { event.preventDefault(); document.getElementById("triage-search").focus(); return; }
    if (!rows.length) return;
    if (event.key === "j" || event.key === "k") {
      current = Math.max(0, Math.min(rows.length - 1, current + (event.key === "j" ? 1 : -1)));
      rows.forEach(function (r) { r.classList.remove("cursor"); });
      rows[current].classList.add("cursor");
      rows[current].focus();
    }
    if (event.key === "x" && current >= 0) {
      var box = rows[current].querySelector(".pick");
      box.checked = !box.checked;
      countSelected();
    }
  });
})();
