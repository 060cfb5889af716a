(function () {
  var cards = Array.prototype.slice.call(document.querySelectorAll("main.cards article.card"));
  function fill(text, values) {  // "epoch {epoch}" with the values put in
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }
  var view = document.getElementById("compare"), sides = view.querySelector(".sides");
  var seek = view.querySelector(".seek"), picked = [], films = [], epochs = [];
  function settingsOf(card) {  // the card's settings (its folded list), and which layers.py
    var found = {"layers.py": card.dataset.layers || view.dataset.book};
    card.querySelectorAll(".settings dt").forEach(function (name) {
      found[name.textContent] = name.nextElementSibling.textContent;
    });
    return found;
  }
  function differ(a, b) {  // "eta 0.1 / 0.5, seed 0 / 1"
    var one = settingsOf(a), two = settingsOf(b), parts = [];
    Object.keys(one).concat(Object.keys(two)).forEach(function (name) {
      var text = name === "layers.py" ? "" : name + " ";
      text += (one[name] || "—") + " / " + (two[name] || "—");
      if (one[name] !== two[name] && parts.indexOf(text) < 0) { parts.push(text); }
    });
    if (!parts.length) { return view.dataset.same; }
    return fill(view.dataset.differ, {changes: parts.join(", ")});
  }
  function side(card) {  // one of the two films, with its epoch and error under it
    var film = {card: card, epochs: JSON.parse(card.dataset.epochs),
      errors: JSON.parse(card.dataset.errors), fps: Number(card.dataset.fps), frame: 0,
      figure: document.createElement("figure"), readout: document.createElement("output"),
      note: null};
    var caption = document.createElement("figcaption"), video = card.querySelector(".player video");
    caption.textContent = card.querySelector("h2").textContent;
    if (video) {  // a video: to the middle of frame k
      film.media = document.createElement("video");
      film.media.muted = true; film.media.playsInline = true; film.media.preload = "auto";
      film.media.innerHTML = video.innerHTML;
      film.draw = function (k) { film.media.currentTime = (k + 0.5) / film.fps; };
      film.steps = true;
    } else { gif(film); }
    [caption, film.media, film.readout, film.note].forEach(function (part) {
      if (part) { film.figure.appendChild(part); }
    });
    return film;
  }
  // a GIF: its frames drawn to a canvas, once its file is chosen (a page may not read it itself)
  function gif(film) {
    var image = document.createElement("img"), canvas = document.createElement("canvas");
    image.src = film.card.dataset.gif; image.alt = film.card.querySelector(".shot img").alt;
    film.media = image; film.draw = function () {};
    film.note = document.createElement("p"); film.note.className = "note";
    if (!("ImageDecoder" in window)) { film.note.textContent = view.dataset.noDecoder; return; }
    var label = document.createElement("label"), input = document.createElement("input");
    input.type = "file"; input.accept = ".gif,image/gif";
    var name = decodeURIComponent(film.card.dataset.gif);
    label.textContent = fill(view.dataset.choose, {name: name}) + " ";
    label.appendChild(input); film.note.appendChild(label);
    input.addEventListener("change", function () {
      input.files[0].arrayBuffer().then(function (bytes) {
        var decoder = new ImageDecoder({data: bytes, type: "image/gif"});
        decoder.tracks.ready.then(function () {
          canvas.setAttribute("role", "img"); canvas.setAttribute("aria-label", image.alt);
          film.figure.replaceChild(canvas, image); film.media = canvas; film.note.hidden = true;
          film.steps = true;
          film.draw = function (k) {
            decoder.decode({frameIndex: k}).then(function (result) {
              if (k === film.frame) {  // (the latest one asked for)
                canvas.width = result.image.displayWidth;
                canvas.height = result.image.displayHeight;
                canvas.getContext("2d").drawImage(result.image, 0, 0);
                canvas.dataset.frame = k;
              }
              result.image.close();
            });
          };
          go(Number(seek.value));
        });
      });
    });
  }
  function exponent(x) {  // 8.42e-06, as Python writes it
    return x.toExponential(2).replace(/e([+-])(\d)$/, function (all, sign, digit) {
      return "e" + sign + "0" + digit;
    });
  }
  // both films to the i-th of their epochs taken together: each to its last frame at or before it
  function go(i) {
    i = Math.max(0, Math.min(epochs.length - 1, i));
    seek.value = i;
    seek.setAttribute("aria-valuetext", fill(view.dataset.epoch, {epoch: epochs[i]}));
    films.forEach(function (film) {
      var k = 0;
      while (k + 1 < film.epochs.length && film.epochs[k + 1] <= epochs[i]) { k += 1; }
      film.frame = k; film.draw(k);
      var error = film.errors[k], text = error === null ? view.dataset.epoch : view.dataset.frame;
      var values = {epoch: film.epochs[k], error: error === null ? "" : exponent(error)};
      film.readout.textContent = film.steps ? fill(text, values) : "";  // (a GIF on its own: none)
    });
  }
  function open() {
    sides.textContent = ""; films = picked.map(side);
    films.forEach(function (film) { sides.appendChild(film.figure); });
    epochs = films[0].epochs.concat(films[1].epochs).sort(function (a, b) { return a - b; })
      .filter(function (epoch, i, all) { return i === 0 || epoch !== all[i - 1]; });
    seek.max = Math.max(0, epochs.length - 1);
    view.querySelector(".differ").textContent = differ(picked[0], picked[1]);
    view.hidden = false; go(0); view.focus();
  }
  function close() { view.hidden = true; sides.textContent = ""; films = []; }
  cards.forEach(function (card) {
    var box = card.querySelector(".pick-box");
    box.addEventListener("change", function () {  // two ticked: compared; a third replaces one
      picked = picked.filter(function (other) { return other !== card; });
      if (box.checked) { picked.push(card); }
      while (picked.length > 2) { picked.shift().querySelector(".pick-box").checked = false; }
      if (picked.length === 2) { open(); } else { close(); }
    });
  });
  function done() {  // the view closed, nothing ticked, the keyboard back on the last card ticked
    if (picked.length) { picked[picked.length - 1].querySelector(".pick-box").focus(); }
    close();
    picked.forEach(function (card) { card.querySelector(".pick-box").checked = false; });
    picked = [];
  }
  view.querySelector(".close").addEventListener("click", done);
  function step(by) { return function () { go(Number(seek.value) + by); }; }
  view.querySelector(".back").addEventListener("click", step(-1));
  view.querySelector(".forward").addEventListener("click", step(1));
  view.querySelector(".full").addEventListener("click", function () {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else { view.requestFullscreen(); }
  });
  seek.addEventListener("input", function () { go(Number(seek.value)); });
  view.addEventListener("keydown", function (event) {  // the arrows, Home and End step both films
    if (event.key === "Escape" && !document.fullscreenElement) { done(); return; }
    if (event.target.tagName === "INPUT") { return; }
    var at = Number(seek.value);
    var keys = {ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: epochs.length - 1};
    if (!(event.key in keys)) { return; }
    go(keys[event.key]); event.preventDefault();
  });
})();
