// live.js, served by httpserver's live reload (Go package livereload).
// It listens to the server's event stream beside it and reloads the page
// when a file changes; when only stylesheets changed, it swaps the
// page's same-origin stylesheets for fresh copies instead. When the
// stream is lost and comes back (the server restarted), it reloads.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.EventSource || window.__httpserverLiveReload) {
    return;
  }
  window.__httpserverLiveReload = true;

  function swapStylesheets() {
    var links = document.querySelectorAll('link[rel~="stylesheet"][href]');
    Array.prototype.forEach.call(links, function (old) {
      var url = new URL(old.href, location.href);
      if (url.origin !== location.origin) {
        return;
      }
      url.searchParams.set("livereload", String(Date.now()));
      var fresh = old.cloneNode(false);
      fresh.href = url.href;
      var drop = function () { old.remove(); };
      fresh.addEventListener("load", drop);
      fresh.addEventListener("error", drop);
      old.after(fresh);
    });
  }

  var lost = false;
  var source = new EventSource(new URL("events", me.src));
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", swapStylesheets);
  source.addEventListener("error", function () { lost = true; });
  source.addEventListener("open", function () {
    if (lost) {
      location.reload();
    }
  });
})();
