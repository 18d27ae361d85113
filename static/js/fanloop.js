// Progressive enhancement: forms work without JavaScript; with it, likes toggle in place.
(function () {
  "use strict";
  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  window.fanloopPost = function (form) {
    return fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(form) },
      body: new FormData(form),
      credentials: "same-origin",
    });
  };
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-like]")) return;
    event.preventDefault();
    var button = form.querySelector("button");
    button.disabled = true;
    window.fanloopPost(form).then(function (response) {
      if (response.status === 403 || response.redirected) { form.submit(); return null; }
      if (!response.ok) throw new Error(response.statusText);
      return response.json();
    }).then(function (data) {
      if (!data) return;
      form.querySelector("[data-count]").textContent = data.count;
      button.classList.toggle("on", data.liked);
      button.setAttribute("aria-pressed", data.liked ? "true" : "false");
    }).catch(function () { form.submit(); })
      .finally(function () { button.disabled = false; });
  });
})();
