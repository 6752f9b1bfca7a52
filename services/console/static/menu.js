// The phone header's "Menu" button: folds the navigation and the account away on a small screen so
// the page's content starts on the first screen; without JavaScript the header shows everything.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const header = document.querySelector(".masthead");
  const toggle = document.querySelector("[data-menu-toggle]");
  if (!header || !toggle) return;
  header.classList.add("foldable");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = header.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
