// The inbox's selection: "select every task of the page" and the count of what is selected.
(function () {
  "use strict";
  var all = document.querySelector("[data-select-all]");
  var hint = document.getElementById("selection-compte");
  if (!all) return;
  var boxes = function () {
    return Array.prototype.slice.call(document.querySelectorAll('input[name="' + all.dataset.selectAll + '"]'));
  };
  var count = function () {
    var selected = boxes().filter(function (box) { return box.checked; }).length;
    if (hint) hint.textContent = selected === 0 ? "aucune tâche sélectionnée" : selected + (selected > 1 ? " tâches sélectionnées" : " tâche sélectionnée");
    all.checked = selected > 0 && selected === boxes().length;
  };
  all.addEventListener("change", function () {
    boxes().forEach(function (box) { box.checked = all.checked; });
    count();
  });
  boxes().forEach(function (box) { box.addEventListener("change", count); });
})();
