// policybook serve: reload this page after each rebuild; show the book's errors over it (its
// first line is the title).
(function () {
  "use strict";
  var overlay = null;
  function showProblem(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "policybook-problem";
      overlay.setAttribute("role", "alert");
      // A long list scrolls: keyboard users must be able to reach and scroll it.
      overlay.tabIndex = 0;
      var title = document.createElement("strong");
      var pre = document.createElement("pre");
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    var cut = text.indexOf("\n");
    overlay.querySelector("strong").textContent = cut < 0 ? text : text.slice(0, cut);
    overlay.querySelector("pre").textContent = cut < 0 ? "" : text.slice(cut + 1);
  }
  var source = new EventSource("/__policybook/events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("problem", function (e) { showProblem(e.data); });
})();
