// A built single-page app, as small as it gets: the path picks the view,
// links navigate with history.pushState, and nothing reloads the page.
(function () {
  "use strict";
  window.appStarted = Math.random().toString(36).slice(2); // a reload would change it

  function render() {
    var p = location.pathname;
    var view = document.getElementById("view");
    var user = /^\/users\/(\d+)\/?$/.exec(p);
    if (p === "/") {
      view.textContent = "Home";
    } else if (user) {
      view.textContent = "User " + user[1];
    } else if (p === "/about") {
      view.textContent = "About";
    } else {
      view.textContent = "No route for " + p;
    }
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-link]");
    if (!a) {
      return;
    }
    e.preventDefault();
    history.pushState(null, "", a.getAttribute("href"));
    render();
  });
  window.addEventListener("popstate", render);
  render();

  // A chunk that a stale build asks for: it must be a real 404, even when
  // asked for as HTML, or the app would run index.html as script.
  fetch("/assets/chunk-000000.js", { headers: { Accept: "text/html,*/*" } }).then(function (r) {
    return r.text().then(function (body) {
      document.getElementById("chunk").textContent =
        "chunk " + r.status + (body.indexOf("SPA fixture") >= 0 ? " (got the app)" : "");
    });
  });
})();
