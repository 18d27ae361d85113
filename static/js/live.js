// Live vote and fan counts over a WebSocket, and one-click "me too" without reload.
(function () {
  "use strict";
  function setText(selector, value) {
    document.querySelectorAll(selector).forEach(function (el) { el.textContent = value; });
  }
  function apply(counts) {
    if (counts.post !== null && counts.post !== undefined) setText("[data-post-votes]", counts.votes);
    if (counts.theme) {
      setText("[data-theme-fans]", counts.theme.fan_count);
      setText("[data-theme-votes]", counts.theme.vote_count);
      setText("[data-theme-posts]", counts.theme.post_count);
    }
  }
  function connect(path, attempt) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + path);
    socket.onopen = function () { document.body.dataset.live = "on"; };
    socket.onmessage = function (event) { apply(JSON.parse(event.data)); };
    socket.onclose = function () {
      document.body.dataset.live = "off";
      if (attempt < 5) setTimeout(function () { connect(path, attempt + 1); }, 1000 * (attempt + 1));
    };
  }
  var live = document.querySelector("[data-live-url]");
  if (live && "WebSocket" in window) connect(live.dataset.liveUrl, 0);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-vote-toggle]")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    window.fanloopPost(form).then(function (response) {
      if (response.redirected || response.status === 403) { form.submit(); return null; }
      if (!response.ok) throw new Error(response.statusText);
      return response.json();
    }).then(function (data) {
      if (!data) return;
      apply(data);
      button.classList.toggle("on", data.voted);
      button.setAttribute("aria-pressed", data.voted ? "true" : "false");
    }).catch(function () { form.submit(); })
      .finally(function () { button.disabled = false; });
  });
})();
