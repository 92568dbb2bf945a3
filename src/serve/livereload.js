// policybook serve: reload this page after each rebuild; show problems over it when a rebuild fails.
(function () {
  "use strict";
  var overlay = null;
  function showProblem(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "policybook-problem";
      overlay.setAttribute("role", "alert");
      var title = document.createElement("strong");
      title.textContent = "The book has errors; this is the last good version of the page.";
      var pre = document.createElement("pre");
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }
  var source = new EventSource("/__policybook/events");
  source.addEventListener("reload", function () { window.location.reload(); });
  source.addEventListener("problem", function (e) { showProblem(e.data); });
})();
