// Search box: filters /search.json in the browser. The only script of the default theme;
// without it the box stays hidden and the site works as before.
(function () {
  "use strict";
  var box = document.querySelector(".site-search");
  if (!box || !window.fetch) return;
  var input = box.querySelector("input");
  var list = box.querySelector(".search-results");
  var index = null;
  box.hidden = false;

  function load() {
    if (index) return Promise.resolve(index);
    return fetch(box.getAttribute("data-index"))
      .then(function (r) { return r.json(); })
      .then(function (data) { index = data; return data; });
  }

  function matches(entry, terms) {
    var text = (entry.title + " " + entry.summary + " " + entry.tags.join(" ")).toLowerCase();
    return terms.every(function (t) { return text.indexOf(t) !== -1; });
  }

  function show(results) {
    list.textContent = "";
    results.slice(0, 8).forEach(function (entry) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = entry.url;
      a.textContent = entry.title;
      var p = document.createElement("p");
      p.textContent = entry.summary;
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
  }

  input.addEventListener("input", function () {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) { show([]); return; }
    load().then(function (data) {
      show(data.filter(function (e) { return matches(e, terms); }));
    });
  });
})();
