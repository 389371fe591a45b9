// The resident's category picker: instead of a list of some 300 options, the categories the
// classifier suggests from the description (POST /report/suggest/), and a search over the names,
// groups and keywords. The <select> stays the form's field (and the page without script).
(function () {
  "use strict";
  var select = document.getElementById("category");
  var picker = document.getElementById("picker");
  if (!select || !picker) return;
  var entries = JSON.parse(document.getElementById("picker-entries").textContent);
  var byCode = {};
  entries.forEach(function (e) { byCode[e.code] = e; });
  var description = document.getElementById("description");
  var search = document.getElementById("category-search");
  var results = document.getElementById("category-results");
  var suggested = document.getElementById("suggested");
  var suggestedLabel = document.getElementById("suggested-label");
  var chosen = document.getElementById("chosen");
  var url = document.currentScript.dataset.suggest;
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  var MAX_RESULTS = 8;

  picker.hidden = false;
  select.hidden = true;

  function choose(code) {
    select.value = code;
    select.dispatchEvent(new Event("change"));
    showChosen();
  }
  function showChosen() {
    var entry = byCode[select.value];
    chosen.textContent = entry ? "✓ " + entry.group + " › " + entry.name : "";
    picker.querySelectorAll(".chips button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.code === select.value));
    });
  }
  function chip(entry) {
    var button = document.createElement("button");
    button.type = "button";
    button.dataset.code = entry.code;
    button.textContent = entry.name;
    button.title = entry.group;
    button.addEventListener("click", function () { choose(entry.code); });
    return button;
  }
  function fill(box, list) {
    box.textContent = "";
    list.forEach(function (entry) { box.appendChild(chip(entry)); });
    showChosen();
  }

  // Chinese is typed without spaces and often shortened: "暴露垃圾" finds 暴露生活垃圾, its
  // characters in the same order, not necessarily side by side.
  function inOrder(word, text) {
    if (word.length < 2) { return false; }
    var at = 0;
    for (var i = 0; i < word.length; i++) {
      at = text.indexOf(word[i], at);
      if (at < 0) { return false; }
      at += 1;
    }
    return true;
  }

  search.addEventListener("input", function () {
    var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) { fill(results, []); return; }
    fill(results, entries.filter(function (e) {
      var text = (e.name + " " + e.group + " " + e.words).toLowerCase();
      return words.every(function (w) { return text.indexOf(w) >= 0 || inOrder(w, text); });
    }).slice(0, MAX_RESULTS));
  });

  var timer = null, asked = "";
  function ask() {
    var text = description.value.trim();
    if (text.length < 4 || text === asked) return;
    asked = text;
    var body = new FormData();
    body.append("description", text);
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf } })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (answer) {
        var list = answer.suggestions.filter(function (s) { return byCode[s.code]; })
          .map(function (s) { return byCode[s.code]; });
        suggestedLabel.hidden = !list.length;
        fill(suggested, list);
        if (list.length && !select.value) choose(list[0].code);  // the best guess, shown and changeable
      })
      .catch(function () { /* no suggestion: the search still works */ });
  }
  description.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 600); });
  description.addEventListener("change", ask);
  showChosen();
  if (description.value.trim()) ask();
})();
