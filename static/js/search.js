/* Kyoso search page: suggestions for the municipality and partner filters as you type, from the
   API's own lists (?q=…). The page works without this file: a name typed in full is looked up when
   the form is sent, and a name several places share is answered with a list to choose from. */
(function () {
  "use strict";
  if (!window.fetch || !document.querySelector) { return; }
  var prefectures = {};
  var select = document.querySelector("select[name=prefecture]");
  if (select) {
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value) { prefectures[option.value] = option.textContent; }
    });
  }

  function prefectureOf(row) {
    var code = row.prefecture_code || (row.prefecture || "").slice(0, 2);
    return prefectures[code] || "";
  }

  function fill(list, rows) {
    var names = {};
    rows.forEach(function (row) { names[row.name] = (names[row.name] || 0) + 1; });
    while (list.firstChild) { list.removeChild(list.firstChild); }
    rows.forEach(function (row) {
      var option = document.createElement("option");
      var prefecture = prefectureOf(row);
      // A municipality's name two rows share is written with its prefecture: 府中市（東京都）, which
      // the form reads.
      var shared = row.code && names[row.name] > 1 && prefecture;
      option.value = shared ? row.name + "（" + prefecture + "）" : row.name;
      option.label = [prefecture, row.kana].filter(Boolean).join(" · ");
      list.appendChild(option);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var source = input.getAttribute("data-suggest");
    var timer = null;
    var asked = "";
    if (!list || !source) { return; }

    function suggest() {
      var text = input.value.trim();
      if (!text || text === asked || /^[0-9]+$/.test(text)) { return; }
      asked = text;
      var url = source + "?page_size=10&q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (data) {
          if (input.value.trim() === text) { fill(list, data.results || []); }
        })
        .catch(function () { /* no suggestions: the form still works */ });
    }

    input.addEventListener("input", function (event) {
      if (event.isComposing) { return; }  // wait until the IME has committed the kanji
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 250);
    });
    input.addEventListener("compositionend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 250);
    });
  });
}());
