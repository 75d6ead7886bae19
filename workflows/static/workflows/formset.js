// « Ajouter » / « Supprimer » on the DSFR formsets (templates/forms/formset.html). Progressive
// enhancement: without this script one blank row adds an item and each saved row has its
// « Supprimer » box; with it, rows come from the empty form's <template> and a button removes
// one (a saved row is marked for deletion and hidden, a new row is taken out and the rows
// after it renumbered, as Django's formset management form expects).
(function () {
  "use strict";
  function field(root, prefix, name) { return root.querySelector("[name='" + prefix + "-" + name + "']"); }

  function renumber(row, prefix, from, to) {
    var old = prefix + "-" + from + "-", now = prefix + "-" + to + "-";
    var attributes = ["name", "id", "for", "aria-labelledby", "aria-describedby"];
    [row].concat(Array.prototype.slice.call(row.querySelectorAll("*"))).forEach(function (node) {
      attributes.forEach(function (attribute) {
        var value = node.getAttribute(attribute);
        if (value && value.indexOf(old) !== -1) { node.setAttribute(attribute, value.split(old).join(now)); }
      });
    });
  }

  function isBlank(row) {
    if (row.querySelector(".fr-error-text, .fr-input-group--error, .fr-select-group--error")) { return false; }
    return Array.prototype.every.call(row.querySelectorAll("input:not([type=hidden]), textarea, select"), function (input) {
      return input.type === "checkbox" ? !input.checked : !input.value;
    });
  }

  function setUp(formset) {
    var prefix = formset.getAttribute("data-formset-prefix");
    var legend = formset.getAttribute("data-formset-legend");
    var removeLabel = formset.getAttribute("data-formset-remove");
    var rows = formset.querySelector("[data-formset-rows]");
    var template = formset.querySelector("template[data-formset-template]");
    var add = formset.querySelector("[data-formset-add]");
    var total = field(formset, prefix, "TOTAL_FORMS");
    var max = parseInt(field(formset, prefix, "MAX_NUM_FORMS").value, 10) || 1000;

    function liveRows() { return Array.prototype.filter.call(rows.children, function (row) { return !row.hidden; }); }

    function relabel() {
      liveRows().forEach(function (row, index) {
        var title = row.querySelector("legend");
        var hint = title.querySelector("[data-formset-new-hint]");
        if (hint) { hint.remove(); }
        title.firstChild.textContent = legend + " " + (index + 1) + " ";
      });
      add.disabled = liveRows().length >= max;
    }

    function removeNew(row) {
      var all = Array.prototype.slice.call(rows.children);
      var index = all.indexOf(row);
      row.remove();
      all.slice(index + 1).forEach(function (next, offset) { renumber(next, prefix, index + offset + 1, index + offset); });
      total.value = String(parseInt(total.value, 10) - 1);
    }

    function equip(row) {
      var box = row.querySelector("[data-formset-delete-box]");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fr-btn fr-btn--tertiary fr-btn--sm fr-btn--icon-left fr-icon-delete-line";
      button.textContent = removeLabel;
      button.setAttribute("data-formset-remove", "");
      button.addEventListener("click", function () {
        var next = row.nextElementSibling;
        if (box) {
          box.querySelector("input[type=checkbox]").checked = true;
          row.hidden = true;
        } else {
          removeNew(row);
        }
        relabel();
        (next && !next.hidden ? next.querySelector("input, select, textarea") : add).focus();
      });
      var holder = document.createElement("div");
      holder.className = "fr-fieldset__element";
      holder.appendChild(button);
      if (box) { box.hidden = true; }
      row.appendChild(holder);
    }

    // The blank row is for browsers without this script; rows are added on demand here.
    Array.prototype.slice.call(rows.querySelectorAll("[data-formset-new]")).forEach(function (row) {
      if (isBlank(row) && rows.children.length > 1) { removeNew(row); }
    });
    Array.prototype.forEach.call(rows.children, function (row) {
      var box = row.querySelector("[data-formset-delete-box] input[type=checkbox]");
      if (box && box.checked) { row.hidden = true; }
      equip(row);
    });
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.split("__prefix__").join(String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      equip(row);
      relabel();
      row.querySelector("input:not([type=hidden]), select, textarea").focus();
    });
    relabel();
  }

  document.querySelectorAll("[data-formset]").forEach(setUp);
})();
