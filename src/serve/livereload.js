// folio live reload. Injected by `folio serve` only, never by `folio build`.
// Reloads the page after a rebuild, swaps stylesheets when only CSS changed, and shows build
// errors in an overlay until the next good build.
(function () {
  "use strict";
  if (!window.EventSource) return;

  var OVERLAY_ID = "folio-error-overlay";
  var serverId = null;
  var source = new EventSource("/__folio/events");

  // The server greets every connection with its start id. EventSource reconnects by itself;
  // a different id after a reconnect means the server restarted, so the page may be stale.
  source.addEventListener("hello", function (event) {
    if (serverId !== null && serverId !== event.data) {
      location.reload();
      return;
    }
    serverId = event.data;
  });

  source.addEventListener("reload", function () {
    location.reload();
  });

  // A page kept in the back/forward cache must not keep its stream open: browsers allow six
  // connections to a host, and six cached pages holding theirs stall every later request.
  // Close it when the page is hidden; a page restored from that cache may be stale, so reload.
  window.addEventListener("pagehide", function () {
    source.close();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) location.reload();
  });

  source.addEventListener("css", function () {
    hideOverlay();
    var stamp = Date.now().toString(36);
    var links = document.querySelectorAll('link[rel~="stylesheet" i]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("folio-reload", stamp);
      link.href = url.href;
    });
  });

  // Connection failures also fire "error", as plain Events; build errors carry text data.
  source.addEventListener("error", function (event) {
    if (typeof event.data === "string") showOverlay(event.data);
  });

  function showOverlay(text) {
    var overlay = document.getElementById(OVERLAY_ID);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = OVERLAY_ID;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;" +
        "padding:2rem;box-sizing:border-box;background:#1b1b1b;color:#f2f2f2;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left";
      var heading = document.createElement("h1");
      heading.textContent = "Build failed";
      heading.style.cssText = "margin:0 0 1rem;font-size:20px;font-weight:bold;color:#ff8f8f";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap;word-break:break-word;font:inherit";
      overlay.appendChild(heading);
      overlay.appendChild(pre);
      (document.body || document.documentElement).appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }

  function hideOverlay() {
    var overlay = document.getElementById(OVERLAY_ID);
    if (overlay) overlay.remove();
  }
})();
