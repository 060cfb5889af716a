function fullScreen(element) {  // the film fills the screen (a slide), or leaves it
  if (document.fullscreenElement) { document.exitFullscreen(); }
  else { element.requestFullscreen(); }
}
document.querySelectorAll(".player").forEach(function (player) {
  var video = player.querySelector("video"), seek = player.querySelector(".seek");
  var where = player.querySelector(".where"), play = player.querySelector(".play");
  var fps = Number(player.dataset.fps), labels = JSON.parse(player.dataset.labels), last = labels.length - 1;
  function show(k) {
    k = Math.max(0, Math.min(last, k));
    player.dataset.frame = k; seek.value = k; where.textContent = labels[k];
    return k;
  }
  function playing() { return Math.floor(video.currentTime * fps + 1e-6); }
  function go(k) {
    video.pause();
    video.currentTime = (show(k) + 0.5) / fps;  // the middle of frame k
  }
  function toggle() { if (video.paused) { video.play(); } else { video.pause(); show(playing()); } }
  function follow() {  // the readout follows the film frame by frame while it plays
    if (!video.paused) { show(playing()); window.requestAnimationFrame(follow); }
  }
  video.addEventListener("play", function () { play.textContent = play.dataset.pause; window.requestAnimationFrame(follow); });
  video.addEventListener("pause", function () { play.textContent = play.dataset.play; });
  play.addEventListener("click", toggle);
  player.querySelector(".back").addEventListener("click", function () { go(Number(player.dataset.frame) - 1); });
  player.querySelector(".forward").addEventListener("click", function () { go(Number(player.dataset.frame) + 1); });
  seek.addEventListener("input", function () { go(Number(seek.value)); });
  player.querySelector(".speed").addEventListener("change", function (event) {
    video.playbackRate = Number(event.target.value);
  });
  player.querySelector(".full").addEventListener("click", function () { fullScreen(player); });
  player.addEventListener("keydown", function (event) {
    if (event.target.tagName === "SELECT" || event.target.tagName === "INPUT") { return; }
    var k = video.paused ? Number(player.dataset.frame) : playing();
    if (event.key === " ") { toggle(); }
    else if (event.key === "ArrowLeft") { go(k - 1); }
    else if (event.key === "ArrowRight") { go(k + 1); }
    else if (event.key === "Home") { go(0); }
    else if (event.key === "End") { go(last); }
    else if (event.key === "f") { fullScreen(player); }
    else { return; }
    event.preventDefault();
  });
});
if ("IntersectionObserver" in window) {  // a film plays only while its card is on screen
  var watch = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var player = entry.target, video = player.querySelector("video");
      if (!entry.isIntersecting && !video.paused) { player.dataset.away = "1"; video.pause(); }
      else if (entry.isIntersecting && player.dataset.away) {
        delete player.dataset.away; video.play();
      }
    });
  });
  document.querySelectorAll(".player").forEach(function (player) { watch.observe(player); });
}
