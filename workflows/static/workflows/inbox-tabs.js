// The inbox's tabs on a phone are one row that scrolls sideways (site.css): the current tab is
// brought to the start of that row's view (« Tous » or « Revue CGET » were off its right edge),
// the page itself not scrolled. Brought again once the page and its fonts are there (Marianne is
// wider than the fallback the page may first be laid out with).
(function () {
  "use strict";
  var current = document.querySelector(".quartiers-inbox-tabs [aria-current=page]");
  if (!current) return;
  var row = current.closest("ul");
  if (!row) return;
  var bring = function () {
    if (row.scrollWidth <= row.clientWidth) return;
    var rowBox = row.getBoundingClientRect();
    var box = current.getBoundingClientRect();
    if (box.left >= rowBox.left && box.right <= rowBox.right) return;
    row.scrollLeft += box.left - rowBox.left - 8;
  };
  bring();
  window.addEventListener("load", bring);
  if (document.fonts) document.fonts.addEventListener("loadingdone", bring);
})();
