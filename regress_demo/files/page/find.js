(function () {
  var main = document.querySelector("main.cards"), form = document.querySelector(".find");
  var cards = Array.prototype.slice.call(main.querySelectorAll("article.card"));
  var words = null;  // each card's text, read at the first search
  function value(id) { return document.getElementById(id).value; }
  function fill(text, values) {  // "epoch {epoch}" with the values put in
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }
  function find() {  // show the cards that match every field
    var asked = value("find-text").toLowerCase().split(/\s+/).filter(Boolean);
    var status = value("find-status"), setting = value("find-setting");
    var source = value("find-source");
    var shown = 0;
    words = words || cards.map(function (card) { return card.textContent.toLowerCase(); });
    cards.forEach(function (card, i) {
      var match = asked.every(function (word) { return words[i].indexOf(word) >= 0; })
        && (!status || card.dataset.status === status)
        && (!setting || card.dataset.tags.split(" ").indexOf(setting) >= 0)
        && (!source || card.dataset.source === source);
      card.hidden = !match;
      shown += match ? 1 : 0;
    });
    var count = {shown: shown, count: cards.length};
    document.getElementById("find-count").textContent = fill(form.dataset.shown, count);
  }
  function error(card) { return card.dataset.error === "" ? Infinity : Number(card.dataset.error); }
  function sort() {  // newest first, or the least final error first (runs without one last)
    var order = cards.slice();
    if (value("find-sort") === "error") {
      order.sort(function (a, b) {
        return error(a) - error(b) || a.dataset.order - b.dataset.order;
      });
    }
    order.forEach(function (card) { main.appendChild(card); });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("input", function (event) {
    if (event.target.id === "find-sort") { sort(); } else { find(); }
  });
})();
