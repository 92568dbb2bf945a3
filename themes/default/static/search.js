// policybook search: loads the index on first use (as a script, so it works from file:// too),
// ranks documents, clauses and controls, and highlights the matching words.
(function () {
  "use strict";
  var root = document.documentElement.getAttribute("data-root") || "";
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-results");
  if (!input || !panel) { return; }
  var index = null;
  var loading = false;
  var waiting = null;
  // The book's words in its language, written in when the site is built.
  var T = {/*policybook:strings*/};
  var STOP = (T.stop_words || "").split(" ");
  // Scripts written without spaces between words (Han, Kana, Hangul): the index holds each run
  // of them as its overlapping pairs of characters, and a query is split the same way.
  var CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f\u{20000}-\u{2ffff}]/u;

  function say(name, values) {
    return (T[name] || "").replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function isIdLike(current, next) {
    var parts = current.split(".");
    var last = parts[parts.length - 1];
    return (/^[0-9]+$/.test(last) || last.length === 1) && /[0-9]/.test(next);
  }

  // The same rule as the index: lowercase words; dotted ids such as a.8.24 stay whole; runs of
  // CJK characters as their pairs (a run of one character as itself).
  function terms(text) {
    var out = [];
    var current = "";
    var chars = Array.from(text);
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      var next = chars[i + 1] || " ";
      if (CJK.test(c)) {
        if (current) { out.push(current); current = ""; }
        var before = i > 0 && CJK.test(chars[i - 1]);
        if (before) { out.push(chars[i - 1] + c); } else if (!CJK.test(next)) { out.push(c); }
        continue;
      }
      var alnum = /[\p{L}\p{N}]/u.test(c);
      if (alnum || (c === "." && current && /[\p{L}\p{N}]/u.test(next) && /[\p{L}\p{N}]$/u.test(current) && isIdLike(current, next))) {
        current += c.toLowerCase();
      } else if (current) {
        out.push(current);
        current = "";
      }
    }
    if (current) { out.push(current); }
    return out.filter(function (t) { return STOP.indexOf(t) < 0; });
  }

  function load(then) {
    if (index) { then(); return; }
    waiting = then;
    if (loading) { return; }
    loading = true;
    var script = document.createElement("script");
    script.src = root + "search-index.js";
    script.onload = function () {
      var raw = window.POLICYBOOK_SEARCH || { items: [], terms: {} };
      index = { items: raw.items, terms: raw.terms, vocabulary: Object.keys(raw.terms).sort() };
      if (waiting) { waiting(); }
    };
    script.onerror = function () { showMessage(say("search_failed", {})); };
    document.head.appendChild(script);
  }

  function postings(term) {
    var encoded = index.terms[term];
    var out = [];
    if (!encoded) { return out; }
    var parts = encoded.split(" ");
    var item = 0;
    for (var i = 0; i + 1 < parts.length; i += 2) {
      item += parseInt(parts[i], 36);
      out.push([item, parseInt(parts[i + 1], 10)]);
    }
    return out;
  }

  // Terms of the vocabulary that start with `prefix` (binary search, then a short scan).
  function expand(prefix) {
    var v = index.vocabulary;
    var lo = 0, hi = v.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (v[mid] < prefix) { lo = mid + 1; } else { hi = mid; }
    }
    var out = [];
    for (var i = lo; i < v.length && out.length < 64 && v[i].indexOf(prefix) === 0; i++) { out.push(v[i]); }
    return out;
  }

  function search(query) {
    var tokens = terms(query);
    if (!tokens.length) { return { tokens: [], results: [] }; }
    var scores = {};
    var hits = {};
    tokens.forEach(function (token) {
      var seen = {};
      // A lone CJK character also finds the pairs that start with it.
      var candidates = (token.length >= 2 || CJK.test(token)) ? expand(token) : (index.terms[token] ? [token] : []);
      candidates.forEach(function (term) {
        var exact = term === token ? 3 : 1;
        postings(term).forEach(function (p) {
          var score = p[1] * exact;
          if (!seen[p[0]] || seen[p[0]] < score) { seen[p[0]] = score; }
        });
      });
      Object.keys(seen).forEach(function (item) {
        scores[item] = (scores[item] || 0) + seen[item];
        hits[item] = (hits[item] || 0) + 1;
      });
    });
    var wanted = query.trim().toLowerCase();
    var results = Object.keys(scores)
      .filter(function (item) { return hits[item] === tokens.length; })
      .map(function (item) {
        var it = index.items[item];
        var id = it[1].toLowerCase();
        var bonus = (id === wanted || id === "a." + wanted) ? 1000 : 0;
        return { item: it, score: scores[item] + bonus };
      })
      .sort(function (a, b) { return b.score - a.score || (a.item[1] < b.item[1] ? -1 : 1); })
      .slice(0, 20);
    return { tokens: tokens, results: results };
  }

  // Appends `text` to `parent`, wrapping the words that match `tokens` in <mark>.
  function highlight(parent, text, tokens) {
    var words = text.split(/([\p{L}\p{N}.]+)/u);
    words.forEach(function (w) {
      var lower = w.toLowerCase().replace(/\.$/, "");
      var match = w && tokens.some(function (t) { return lower.indexOf(t) === 0 || (CJK.test(t) && lower.indexOf(t) >= 0); });
      if (match) {
        var mark = document.createElement("mark");
        mark.textContent = w;
        parent.appendChild(mark);
      } else if (w) {
        parent.appendChild(document.createTextNode(w));
      }
    });
  }

  function showMessage(text) {
    panel.textContent = "";
    var p = document.createElement("p");
    p.className = "search-empty";
    p.textContent = text;
    panel.appendChild(p);
    panel.hidden = false;
  }

  function show() {
    var query = input.value;
    if (!query.trim()) { panel.hidden = true; panel.textContent = ""; return; }
    var found = search(query);
    if (!found.results.length) { showMessage(say("nothing_found", { query: query })); return; }
    panel.textContent = "";
    var list = document.createElement("ul");
    found.results.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + r.item[0];
      var kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = r.item[3];
      var title = document.createElement("span");
      title.className = "search-title";
      highlight(title, r.item[1] + " " + r.item[2], found.tokens);
      a.appendChild(kind);
      a.appendChild(title);
      if (r.item[4]) {
        var summary = document.createElement("span");
        summary.className = "search-summary";
        highlight(summary, r.item[4], found.tokens);
        a.appendChild(summary);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    panel.appendChild(list);
    panel.hidden = false;
  }

  input.addEventListener("focus", function () { load(function () {}); });
  input.addEventListener("input", function () { load(show); });
  input.form.addEventListener("submit", function (e) {
    e.preventDefault();
    load(function () {
      show();
      var first = panel.querySelector("a");
      if (first) { window.location.href = first.href; }
    });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { input.value = ""; panel.hidden = true; input.blur(); }
    if (e.key === "ArrowDown") {
      var first = panel.querySelector("a");
      if (first) { e.preventDefault(); first.focus(); }
    }
  });
  panel.addEventListener("keydown", function (e) {
    var links = Array.prototype.slice.call(panel.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && at + 1 < links.length) { e.preventDefault(); links[at + 1].focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
    if (e.key === "Escape") { panel.hidden = true; input.focus(); }
  });
  // "/" (or Ctrl-K) anywhere focuses the search box, as on most documentation sites.
  document.addEventListener("keydown", function (e) {
    var typing = /^(input|textarea|select)$/i.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
    if ((e.key === "/" && !typing) || (e.key === "k" && (e.ctrlKey || e.metaKey))) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });
})();
