// A background bulk action: poll its progress, then show its summary (the page itself).
(function () {
  "use strict";
  var box = document.getElementById("avancement");
  if (!box) return;
  var bar = document.getElementById("barre-avancement");
  var text = document.getElementById("avancement-texte");
  var poll = function () {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.max = state.total;
        bar.value = state.done;
        bar.textContent = state.done + " sur " + state.total;
        text.textContent = state.done + " sur " + state.total + " traités.";
        if (state.finished) window.location.reload();
        else window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  };
  window.setTimeout(poll, 1000);
})();
