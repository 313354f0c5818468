// Video embeds (templates/markdown/embed.html): nothing is fetched from the video's host
// until the reader clicks. Then the link is replaced by the player; without JavaScript the
// link opens the video's own page.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".embed[data-embed-src] .embed-play");
  if (!link) return;
  var box = link.closest(".embed");
  event.preventDefault();
  var frame = document.createElement("iframe");
  frame.src = box.getAttribute("data-embed-src");
  frame.title = box.getAttribute("data-embed-title") || "Video";
  frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  frame.allowFullscreen = true;
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  box.replaceChildren(frame);
  frame.focus();
});
