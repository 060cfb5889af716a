"""The gallery's player for a run that has a video: pause, step and present a film in the browser.

Plain HTML, CSS and a little inline JavaScript: no server, nothing fetched, and it works from
file:// (a <video> element plays a local file; fetch() of one would not). The epoch and the error of
the frame on screen come from the run record, written into the card. Keys, when the card has the
focus: space plays or pauses, the arrows step one frame, Home and End go to the first and last,
F fills the screen (the Fullscreen API: a film on a slide) or leaves it.
"""

from __future__ import annotations

import html
import json
import math
from urllib.parse import quote

from ..film.texts import Texts

#: The playback speeds offered, as the <select> shows them.
SPEEDS = ("0.25", "0.5", "1", "1.5", "2")
#: The video types, in the order a browser is offered them (the smaller WebM first).
TYPES = {"webm": "video/webm", "mp4": "video/mp4"}


def frame_errors(record: dict) -> list:
    """For each frame of the film: (epoch, error), the error being the best of a grid's networks
    at that epoch, or None where none is finite; [] if the record's epochs are not numbers."""
    epochs = record.get("frame_epochs") if isinstance(record.get("frame_epochs"), list) else []
    runs = (
        [run for run in record.get("runs", []) if isinstance(run, dict)]
        if isinstance(record.get("runs"), list)
        else []
    )
    frames = []
    for epoch in epochs:
        if not isinstance(epoch, int) or isinstance(epoch, bool):
            return []
        errors = []
        for run in runs:
            history = run.get("errors")
            if isinstance(history, list) and 0 <= epoch < len(history):
                value = history[epoch]
                if (
                    isinstance(value, (int, float))
                    and not isinstance(value, bool)
                    and math.isfinite(value)
                ):
                    errors.append(value)
        frames.append((epoch, min(errors) if errors else None))
    return frames


def frame_labels(record: dict, say: Texts = Texts("en")) -> list:
    """For each frame of the film: "epoch E · error X" (the best error, for a grid), from the record,
    in the page's language."""
    rows = record.get("runs") if isinstance(record.get("runs"), list) else []
    several = sum(isinstance(row, dict) for row in rows) > 1
    return [
        say("page_frame_best" if several else "page_frame", epoch=epoch, error=error)
        if error is not None
        else say("page_frame_epoch", epoch=epoch)
        for epoch, error in frame_errors(record)
    ]


def render_player(
    videos: list, record: dict, fps: float, alt: str, say: Texts = Texts("en"), first: bool = True
) -> str:
    """The card's player: its <video> (one <source> per file, WebM first) and its controls; "" if the
    record does not say what each frame is. A player below the first screen (`first` false) loads
    nothing until it comes into view, and then plays."""
    labels = frame_labels(record, say)
    if not labels or not videos:
        return ""
    sources = "".join(
        f'<source src="{quote(name)}" type="{TYPES[name.rsplit(".", 1)[-1]]}">'
        for name in sorted(videos, key=lambda name: list(TYPES).index(name.rsplit(".", 1)[-1]))
    )
    speeds = "".join(
        f'<option value="{s}"{" selected" if s == "1" else ""}>{s}×</option>' for s in SPEEDS
    )
    data = html.escape(json.dumps(labels, ensure_ascii=False), quote=True)
    away, load = ("", 'autoplay preload="auto"') if first else (' data-away="1"', 'preload="none"')
    return (
        f'<figure class="player" tabindex="0" data-fps="{fps:g}" data-labels="{data}"'
        ' data-frame="0"'
        f'{away} aria-label="{html.escape(alt + say("player_keys"), quote=True)}">\n'
        f"<video muted {load} loop playsinline>{sources}</video>\n"
        f'<div class="controls">'
        f'<button type="button" class="play" aria-label="{say("player_play_or_pause")}" data-play="{say("player_play")}" '
        f'data-pause="{say("player_pause")}">{say("player_pause")}</button>'
        f'<button type="button" class="back" aria-label="{say("player_back")}">◀</button>'
        f'<button type="button" class="forward" aria-label="{say("player_forward")}">▶</button>'
        f'<input class="seek" type="range" min="0" max="{len(labels) - 1}" step="1" value="0" '
        f'aria-label="{say("player_frame")}">'
        f'<select class="speed" aria-label="{say("player_speed")}">{speeds}</select>'
        f'<button type="button" class="full">{say("player_full_screen")}</button>'
        f'</div>\n<output class="where">{html.escape(labels[0])}</output>\n</figure>\n'
    )


STYLE = """\
.player { margin: 0; border-bottom: 1px solid var(--line); background: #fff; outline: none; }
.player:focus-visible, .player:focus { box-shadow: inset 0 0 0 2px #0969da; }
.player video { display: block; width: 100%; height: auto; }
.player .controls { display: flex; gap: 0.35rem; align-items: center; padding: 0.4rem 0.6rem 0; }
.player button { font: inherit; padding: 0.1rem 0.55rem; border: 1px solid var(--line); border-radius: 6px;
  background: var(--paper); cursor: pointer; }
.player .seek { flex: 1; min-width: 4rem; }
.player select { font: inherit; font-size: 0.85rem; }
.player:fullscreen { display: flex; flex-direction: column; justify-content: center; }
.player:fullscreen video { flex: 1; min-height: 0; object-fit: contain; }
.player .where { display: block; padding: 0.2rem 0.6rem 0.5rem; font-size: 0.85rem; color: var(--muted);
  font-variant-numeric: tabular-nums; }
"""

SCRIPT = """\
<script>
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
</script>
"""
