// One-click ratings under each changelog item: the form works without JavaScript;
// with it, the choice and the distribution update in place.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-rating]")) return;
    var button = event.submitter;
    if (!button || !button.value) return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("value", button.value);
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    var message = form.querySelector("[data-message]");
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: data,
      credentials: "same-origin",
    }).then(function (response) {
      if (response.redirected || response.status === 403) {
        window.location = response.url || form.action;
        return null;
      }
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.detail || response.statusText);
        return body;
      });
    }).then(function (body) {
      if (!body) return;
      ["good", "so_so", "bad"].forEach(function (key) {
        form.querySelector('[data-count="' + key + '"]').textContent = body[key];
      });
      form.querySelectorAll("button[name=value]").forEach(function (b) {
        var on = b.value === body.value;
        b.classList.toggle("chosen", on);
        b.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }).catch(function (error) {
      if (message) message.textContent = error.message;
    });
  });
})();
