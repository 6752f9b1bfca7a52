/* Live turnout and conference screen: poll the console's JSON feed named by data-live and update
   the page in place. Without JavaScript the page still shows the state as of its last load. */
(function () {
  "use strict";
  var box = document.querySelector("[data-live]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-live");
  var state = box.getAttribute("data-state");
  var every = parseInt(box.getAttribute("data-every") || "2000", 10);

  function set(name, value) {
    var nodes = box.querySelectorAll('[data-field="' + name + '"]');
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].tagName === "PROGRESS") {
        if (name === "progress") { continue; }
      }
      if (nodes[i].textContent !== String(value)) { nodes[i].textContent = String(value); }
    }
  }

  function apply(data) {
    set("ballots_cast", data.ballots_cast);
    set("electorate_size", data.electorate_size);
    var bar = box.querySelector('progress[data-field="progress"]');
    if (bar) { bar.max = data.electorate_size; bar.value = data.ballots_cast; bar.textContent = data.ballots_cast + "/" + data.electorate_size; }
    if (data.voted) {
      for (var i = 0; i < data.voted.length; i++) {
        var li = box.querySelector('li[data-code="' + data.voted[i] + '"]');
        if (li && li.className !== "voted") {
          li.className = "voted";
          var mark = li.querySelector(".mark");
          if (mark) { mark.textContent = "\u2713"; }
          var label = li.querySelector("[data-label]");
          if (label && label.getAttribute("data-voted-text")) { label.textContent = label.getAttribute("data-voted-text"); }
        }
      }
    }
    box.setAttribute("data-ballots", String(data.ballots_cast));
    if (state && data.state && data.state !== state) {
      // The round closed (or was certified) elsewhere: the page shows the result from the server.
      window.location.reload();
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () { /* a missed beat: the next one tries again */ })
      .then(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
}());
