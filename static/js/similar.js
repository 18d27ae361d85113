// While a fan types a pain point, show up to five existing problems that look the
// same: the best post of each theme, and the theme it belongs to.
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
    var url = form.dataset.similarUrl + "?per_theme=true&text=" + encodeURIComponent(text);
    fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(render)
      .catch(function () {});
  }

  // Hidden by the fan (✕): stays hidden until the suggestions change.
  var dismissed = "";

  function render(items) {
    list.textContent = "";
    var shown = items.map(function (item) { return item.post; }).join(",");
    box.hidden = items.length === 0 || shown === dismissed;
    box.dataset.shown = shown;
    items.forEach(function (item) {
      var node = template.content.cloneNode(true);
      var link = node.querySelector("[data-title]");
      link.textContent = item.title;
      link.href = item.url;
      // Counts, not the score: a suggestion score is a sum of several similarities
      // (it can pass 1), so as a percentage it would read "128 %".
      node.querySelector("[data-meta]").textContent =
        "🙋 " + item.votes + " " + (box.dataset.votesLabel || "me too") +
        " · 👥 " + item.theme_fans + " " + (box.dataset.fansLabel || "fans");
      var theme = node.querySelector("[data-theme]");
      if (item.theme_url && item.theme_posts > 1) {
        var themeLink = theme.querySelector("a");
        themeLink.href = item.theme_url;
        themeLink.textContent = item.theme_title;
        theme.querySelector("[data-more]").textContent =
          "(" + (box.dataset.postsLabel || "{n} posts").replace("{n}", item.theme_posts) + ")";
      } else {
        theme.remove();
      }
      var voteForm = node.querySelector("form[data-vote]");
      var button = voteForm.querySelector("button");
      if (item.mine) {
        voteForm.replaceWith(document.createTextNode(box.dataset.mineText || "Your post"));
      } else {
        voteForm.action = item.vote_url;
        voteForm.dataset.post = item.post;
        if (item.voted) {
          button.textContent = "✓ " + (box.dataset.votedText || "Added your voice");
          button.classList.add("on");
          button.disabled = true;
        }
      }
      list.appendChild(node);
    });
  }

  box.querySelector("[data-dismiss]").addEventListener("click", function () {
    dismissed = box.dataset.shown || "";
    box.hidden = true;
  });

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
