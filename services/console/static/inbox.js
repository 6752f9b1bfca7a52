// The inbox, live: new notifications arrive over the console's relay of the notifications
// stream (/inbox/stream, same origin, the session cookie authenticates it) and are added to the
// top of the list; the unread badges follow. Without JavaScript the page works with a reload.
(function () {
  "use strict";
  var list = document.querySelector("[data-inbox]");
  var template = document.getElementById("tpl-notification");
  if (!list || !template || !window.EventSource) { return; }
  var status = document.querySelector("[data-live-status]");
  var seen = {};
  list.querySelectorAll("[data-id]").forEach(function (li) { seen[li.getAttribute("data-id")] = true; });

  function setUnread(delta) {
    document.querySelectorAll("[data-unread]").forEach(function (badge) {
      var count = Math.max(0, (parseInt(badge.getAttribute("data-count") || badge.textContent, 10) || 0) + delta);
      badge.textContent = String(count);
      badge.setAttribute("data-count", String(count));
    });
  }

  // HH:MM dd/mm/yyyy in Vietnam's time, as the server writes it, whatever the device's zone.
  var clock = new Intl.DateTimeFormat("en-GB", {timeZone: "Asia/Ho_Chi_Minh", hour12: false, year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"});
  function formatTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return iso; }
    var p = {};
    clock.formatToParts(d).forEach(function (part) { p[part.type] = part.value; });
    return p.hour + ":" + p.minute + " " + p.day + "/" + p.month + "/" + p.year;
  }

  var source = new EventSource("/inbox/stream");
  source.addEventListener("open", function () {
    if (status) { status.textContent = list.getAttribute("data-live-text"); }
  });
  source.addEventListener("notification", function (event) {
    var n;
    try { n = JSON.parse(event.data); } catch (e) { return; }
    if (seen[String(n.id)]) { return; }
    seen[String(n.id)] = true;
    var item = template.content.firstElementChild.cloneNode(true);
    item.setAttribute("data-id", String(n.id));
    item.querySelector(".note-subject").textContent = n.subject;
    item.querySelector(".note-body").textContent = n.body;
    item.querySelector(".note-time").textContent = formatTime(n.created_at);
    var open = item.querySelector("a.note-open");
    open.setAttribute("href", "/inbox/" + encodeURIComponent(n.id) + "/open");
    if (n.action) { open.textContent = n.action; }
    var form = item.querySelector("form.note-read");
    if (form) {
      if (n.read) { form.remove(); } else { form.setAttribute("action", "/inbox/" + encodeURIComponent(n.id) + "/read"); }
    }
    var empty = list.querySelector("[data-empty]");
    if (empty) { empty.remove(); }
    list.insertBefore(item, list.firstChild);
    if (!n.read) { setUnread(1); }
  });
})();
