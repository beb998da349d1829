// council render: the theme toggle, the index's filter and the offline search.
// Plain script, no modules and no fetch(), so that it runs from file:// as from a server.
(function () {
  "use strict";
  var KEY = "council-theme";
  var doc = document.documentElement;
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function store(v) { try { localStorage.setItem(KEY, v); } catch (e) { /* private mode */ } }
  var saved = stored();
  if (saved === "light" || saved === "dark") { doc.setAttribute("data-theme", saved); }

  function dark() {
    var t = doc.getAttribute("data-theme");
    if (t) { return t === "dark"; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  // The search index is a script (search-index.js) loaded on first use.
  var loading = null;
  function withIndex(root, done) {
    if (window.COUNCIL_SEARCH) { done(window.COUNCIL_SEARCH); return; }
    if (!loading) {
      loading = [];
      var s = document.createElement("script");
      s.src = root + "search-index.js";
      s.onload = function () { var q = loading; loading = null; q.forEach(function (f) { f(window.COUNCIL_SEARCH); }); };
      document.head.appendChild(s);
    }
    loading.push(done);
  }

  function words(text) {
    return (text || "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length >= 2; });
  }

  // The documents holding every word (the last one may be a prefix), as a set of indices.
  function find(index, text) {
    var ws = words(text);
    if (!ws.length) { return null; }
    var result = null;
    ws.forEach(function (w, i) {
      var hits = {};
      var exact = index.terms[w];
      if (exact) { exact.forEach(function (d) { hits[d] = true; }); }
      if (i === ws.length - 1) {
        for (var t in index.terms) {
          if (t.length > w.length && t.lastIndexOf(w, 0) === 0) { index.terms[t].forEach(function (d) { hits[d] = true; }); }
        }
      }
      if (result === null) { result = hits; } else {
        var both = {};
        for (var d in result) { if (hits[d]) { both[d] = true; } }
        result = both;
      }
    });
    return result;
  }

  function setupFilter(root) {
    var form = document.getElementById("filter");
    if (!form) { return; }
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.proposals tbody tr"));
    var count = document.getElementById("filter-count");
    var none = document.querySelector(".none-found");
    function apply(textHits) {
      var status = form.elements.status.value, type = form.elements.type.value;
      var topic = form.elements.topic.value, author = form.elements.author.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (r) {
        var ok = (!status || r.dataset.status === status) && (!type || r.dataset.type === type) &&
          (!topic || r.dataset.topic === topic) &&
          (!author || r.dataset.authors.indexOf(author) !== -1) &&
          (!textHits || textHits[r.dataset.num]);
        r.hidden = !ok;
        if (ok) { shown += 1; }
      });
      document.querySelectorAll(".typegroup").forEach(function (g) {
        g.hidden = !g.querySelector("tbody tr:not([hidden])");
      });
      document.querySelectorAll("section.group").forEach(function (g) {
        g.hidden = !g.querySelector("tbody tr:not([hidden])");
      });
      count.textContent = shown + " of " + rows.length + " shown";
      if (none) { none.hidden = shown !== 0; }
    }
    function run() {
      var text = form.elements.text.value;
      if (!words(text).length) { apply(null); return; }
      withIndex(root, function (index) {
        var hits = find(index, text) || {};
        var nums = {};
        for (var d in hits) { nums[index.docs[d][0]] = true; }
        apply(nums);
      });
    }
    // A filter can be shared as a link: index.html?status=Voting&text=lockfile
    var params = new URLSearchParams(window.location.search);
    ["status", "type", "topic", "author", "text"].forEach(function (k) {
      if (params.has(k)) { form.elements[k].value = params.get(k); }
    });
    form.addEventListener("input", run);
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    run();
  }

  function setupSearch(root) {
    var list = document.getElementById("search-results");
    if (!list) { return; }
    var input = document.getElementById("search-q");
    var count = document.getElementById("search-count");
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    function run() {
      var text = input.value;
      list.textContent = "";
      if (!words(text).length) { count.textContent = ""; return; }
      withIndex(root, function (index) {
        var hits = find(index, text) || {};
        var docs = Object.keys(hits).map(Number).sort(function (a, b) { return a - b; });
        count.textContent = docs.length + (docs.length === 1 ? " proposal" : " proposals");
        docs.slice(0, 200).forEach(function (d) {
          var doc = index.docs[d];
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = root + doc[2];
          a.textContent = doc[0] + " " + doc[1];
          li.appendChild(a);
          var st = document.createElement("span");
          st.className = "muted";
          st.textContent = " " + (doc[3] || "");
          li.appendChild(st);
          if (doc[4]) {
            var p = document.createElement("div");
            p.className = "snippet";
            p.textContent = doc[4].length > 240 ? doc[4].slice(0, 240) + "…" : doc[4];
            li.appendChild(p);
          }
          list.appendChild(li);
        });
      });
    }
    input.addEventListener("input", run);
    document.getElementById("search-page").addEventListener("submit", function (e) { e.preventDefault(); run(); });
    run();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.body.getAttribute("data-root") || "";
    var toggle = document.querySelector(".theme-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var next = dark() ? "light" : "dark";
        doc.setAttribute("data-theme", next);
        store(next);
      });
    }
    setupFilter(root);
    setupSearch(root);
  });
})();
