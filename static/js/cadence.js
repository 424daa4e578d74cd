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

// Keyboard shortcuts of item lists: c creates, / searches, j and k move through the rows, Enter opens one.
// Keys typed into a field, or with a modifier, are left alone.
function isTyping(target) {
  if (!target || !target.closest) return false;
  return Boolean(target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"));
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
  const rows = Array.from(document.querySelectorAll("[data-rows] [data-row]"));
  const current = document.activeElement && document.activeElement.closest ? document.activeElement.closest("[data-row]") : null;
  if (event.key === "c") {
    const create = document.querySelector("[data-shortcut-create]");
    if (create) {
      event.preventDefault();
      window.location.assign(create.href);
    }
  } else if (event.key === "/") {
    const search = document.querySelector("[data-shortcut-search]");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  } else if ((event.key === "j" || event.key === "k") && rows.length) {
    event.preventDefault();
    let index = rows.indexOf(current);
    if (index < 0) index = event.key === "j" ? 0 : rows.length - 1;
    else index = Math.min(rows.length - 1, Math.max(0, index + (event.key === "j" ? 1 : -1)));
    for (const row of rows) row.classList.remove("row-focus");
    rows[index].classList.add("row-focus");
    rows[index].focus();
  } else if (event.key === "Enter" && current && event.target === current && current.dataset.href) {
    event.preventDefault();
    window.location.assign(current.dataset.href);
  }
});
document.addEventListener("focusout", (event) => {
  const row = event.target && event.target.closest ? event.target.closest("[data-row]") : null;
  if (row && event.target === row) row.classList.remove("row-focus");
});

// A row that htmx swapped in for the one whose button was pressed (an inbox entry marked read) takes
// the keyboard focus back, on its element marked data-refocus: otherwise it falls to the page's start.
document.addEventListener("htmx:load", (event) => {
  const element = event.detail.elt;
  if (element === document.body || !element.querySelector) return;
  const active = document.activeElement;
  if (active && active !== document.body) return;
  const target = element.querySelector("[data-refocus]");
  if (target) target.focus();
});
