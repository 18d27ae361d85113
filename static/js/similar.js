// While a fan types a pain point, show up to five existing posts that look the same.
(function () {
  "use strict";
  var form = document.getElementById("thread-form");
  var box = document.getElementById("similar");
  if (!form || !box) return;
  var list = document.getElementById("similar-list");
  var template = document.getElementById("similar-item");
  var title = form.querySelector("[name=title]");
  var body = form.querySelector("[name=body]");
  var timer = null;
  var lastQuery = "";
  var controller = null;

  function query() {
    var text = (title.value + "\n" + body.value.slice(0, 500)).trim();
    if (text.length < 6 || text === lastQuery) return;
    lastQuery = text;
    if (controller) controller.abort();
    controller = new AbortController();
    var url = form.dataset.similarUrl + "?text=" + encodeURIComponent(text);
    fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(render)
      .catch(function () {});
  }

  function render(items) {
    list.textContent = "";
    box.hidden = items.length === 0;
    items.forEach(function (item) {
      var node = template.content.cloneNode(true);
      var link = node.querySelector("[data-title]");
      link.textContent = item.title;
      link.href = item.url;
      node.querySelector("[data-meta]").textContent =
        "🙋 " + item.votes + " · 👥 " + item.theme_fans + " · " + Math.round(item.score * 100) + "%";
      var voteForm = node.querySelector("form[data-vote]");
      voteForm.action = item.vote_url;
      voteForm.dataset.post = item.post;
      list.appendChild(node);
    });
  }

  box.addEventListener("submit", function (event) {
    var voteForm = event.target;
    if (!voteForm.matches("form[data-vote]")) return;
    event.preventDefault();
    var button = voteForm.querySelector("button");
    button.disabled = true;
    fetch("/api/v1/posts/" + voteForm.dataset.post + "/vote", {
      method: "PUT",
      headers: { Accept: "application/json",
                 "X-CSRFToken": voteForm.querySelector("[name=csrfmiddlewaretoken]").value },
      credentials: "same-origin",
    }).then(function (r) {
      if (!r.ok) throw new Error(r.statusText);
      return r.json();
    }).then(function () {
      button.textContent = "✓ " + (box.dataset.votedText || "Added your voice");
      button.classList.add("on");
    }).catch(function () { voteForm.submit(); });
  });

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(query, 300);
  }
  title.addEventListener("input", schedule);
  body.addEventListener("input", schedule);
})();
