// Cadence's few behaviours. No inline scripts or handlers anywhere (the CSP forbids them).
"use strict";

// <form data-confirm="…">: ask before submitting.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// An htmx request that failed: show the server's message (as text), or a general one.
document.addEventListener("htmx:responseError", (event) => {
  const region = document.getElementById("live-error");
  const page = new DOMParser().parseFromString(event.detail.xhr.responseText || "", "text/html");
  const message = page.querySelector("[data-error-message]");
  region.textContent = message ? message.textContent.trim() : region.dataset.fallback;
  region.classList.add("visible");
  window.setTimeout(() => region.classList.remove("visible"), 6000);
});

// Menus (<details class="menu">): one open at a time; a click elsewhere or Escape closes them.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  }
});
