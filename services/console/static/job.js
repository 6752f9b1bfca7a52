/* The rankings job page: poll until a newer ranking snapshot exists, then show it as done.
   Without JavaScript a reload does the same. */
(function () {
  "use strict";
  var box = document.querySelector("[data-job]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-job");
  var tries = 0;
  function poll() {
    tries += 1;
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.done) {
          box.querySelector("[data-waiting]").hidden = true;
          box.querySelector("[data-done]").hidden = false;
          box.setAttribute("data-state", "done");
        } else if (tries < 90) {
          window.setTimeout(poll, 2000);
        } else {
          box.querySelector("[data-slow]").hidden = false;
        }
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 1000);
}());
