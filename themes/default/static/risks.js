// policybook risk register: sorts the table by the column whose header is clicked and filters
// its rows by owner, treatment and level. Plain DOM, no loading, so it works from file:// too;
// without it the table is complete, in the register's order.
(function () {
  "use strict";
  // The book's words in its language, written in when the site is built.
  var T = {/*policybook:strings*/};
  var table = document.getElementById("risk-register");
  if (!table || !table.tHead || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };

  function key(row, col) {
    var cell = row.cells[col];
    var v = cell.getAttribute("data-sort");
    return v === null ? cell.textContent.trim().toLowerCase() : v;
  }

  function sort(col) {
    var th = heads[col];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    each(heads, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = th.hasAttribute("data-numeric");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col), d;
      if (numeric) {
        d = (x === "" ? -1 : parseFloat(x)) - (y === "" ? -1 : parseFloat(y));
      } else {
        d = x < y ? -1 : (x > y ? 1 : 0);
      }
      if (!ascending) { d = -d; }
      return d || (parseInt(a.getAttribute("data-index"), 10) - parseInt(b.getAttribute("data-index"), 10));
    });
    each(rows, function (r) { body.appendChild(r); });
  }

  each(heads, function (th, col) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () { sort(col); });
  });

  var form = document.getElementById("risk-filters");
  if (!form) { return; }
  var selects = form.querySelectorAll("select");
  var status = document.getElementById("risk-count");
  function apply() {
    var shown = 0;
    each(body.rows, function (row) {
      var ok = true;
      each(selects, function (s) {
        if (s.value && row.getAttribute("data-" + s.name) !== s.value) { ok = false; }
      });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    if (status) {
      status.textContent = (T.risks_shown || "").replace("{shown}", shown).replace("{total}", body.rows.length);
    }
  }
  each(selects, function (s) { s.addEventListener("change", apply); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
}());
