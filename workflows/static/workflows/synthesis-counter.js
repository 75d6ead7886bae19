// Live character count of the prefect's synthesis (issue #6): per part and in total, counted
// as the server counts (line breaks are one character, blank edges ignored).
(function () {
  "use strict";
  var form = document.getElementById("formulaire-synthese");
  if (!form) { return; }
  var max = parseInt(form.getAttribute("data-max"), 10);
  var parts = form.querySelectorAll("textarea[data-synthesis-part]");
  var total = document.querySelector("#compteur-total [data-total]");
  function length(text) { return text.replace(/\r\n?/g, "\n").trim().length; }
  function update() {
    var sum = 0;
    parts.forEach(function (area) {
      var count = length(area.value);
      sum += count;
      var counter = document.getElementById("compteur-" + area.getAttribute("data-synthesis-part"));
      if (counter) { counter.textContent = count + " caractères"; }
    });
    total.textContent = String(sum);
    var over = sum > max;
    total.parentElement.classList.toggle("fr-error-text", over);
    total.parentElement.setAttribute("data-over", over ? "true" : "false");
  }
  parts.forEach(function (area) { area.addEventListener("input", update); });
  update();
})();
