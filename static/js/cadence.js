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

// Board: drag a card (HTML5 drag events) to another column; on drop, htmx posts the move and swaps
// in the board as the server now has it (a refused move shows its reason, and the card stays).
document.addEventListener("dragstart", (event) => {
  const card = event.target.closest && event.target.closest(".board-card[draggable=true]");
  if (!card) return;
  event.dataTransfer.setData("text/plain", card.dataset.item);
  event.dataTransfer.effectAllowed = "move";
  card.classList.add("dragging");
});
document.addEventListener("dragend", (event) => {
  const card = event.target.closest && event.target.closest(".board-card");
  if (card) card.classList.remove("dragging");
  for (const column of document.querySelectorAll(".board-column.drop-target")) column.classList.remove("drop-target");
});
function dropColumn(event) {
  const column = event.target.closest && event.target.closest(".board-column");
  return column && column.closest("[data-move-url]") ? column : null;
}
document.addEventListener("dragover", (event) => {
  const column = dropColumn(event);
  if (!column) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "move";
  column.classList.add("drop-target");
});
document.addEventListener("dragleave", (event) => {
  const column = dropColumn(event);
  if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
});
document.addEventListener("drop", (event) => {
  const column = dropColumn(event);
  if (!column) return;
  event.preventDefault();
  column.classList.remove("drop-target");
  const board = column.closest("[data-move-url]");
  const item = event.dataTransfer.getData("text/plain");
  if (!item || column.querySelector(`.board-card[data-item="${CSS.escape(item)}"]`)) return;
  let headers = {};
  try {
    headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  } catch (error) {
    headers = {};
  }
  window.htmx.ajax("POST", board.dataset.moveUrl, {
    source: board,
    target: "#board",
    swap: "outerHTML",
    headers: headers,
    values: {
      item: item,
      value: column.dataset.column,
      by: board.dataset.by || "status",
      workflow: board.dataset.workflow || "",
      sprint: board.dataset.sprint || "",
    },
  });
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

// --- The shell: theme, sidebar, drawer -----------------------------------------------------------

// The theme: the server renders the saved one into <html data-theme>; a change is applied at once
// and saved on the user (the account menu's buttons, or another script's "cadence:set-theme" event).
const THEMES = ["system", "light", "dark"];
function setTheme(theme) {
  if (!THEMES.includes(theme)) return;
  const root = document.documentElement;
  root.dataset.theme = theme;
  for (const button of document.querySelectorAll("[data-theme-form] button[name=theme]")) {
    button.setAttribute("aria-pressed", String(button.value === theme));
  }
  const url = root.dataset.themeUrl;
  if (!url) return;
  const body = new FormData();
  body.append("theme", theme);
  let headers = {};
  try {
    headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  } catch (error) {
    headers = {};
  }
  headers["HX-Request"] = "true";
  fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin" });
}
document.addEventListener("cadence:set-theme", (event) => setTheme(event.detail && event.detail.theme));
document.addEventListener("submit", (event) => {
  const form = event.target.closest && event.target.closest("[data-theme-form]");
  if (!form || !event.submitter || event.submitter.name !== "theme") return;
  event.preventDefault();
  setTheme(event.submitter.value);
});

// The sidebar: collapsed to its icons on wide screens (remembered in this browser); a drawer that
// the top bar's button opens on small ones.
const COLLAPSED_KEY = "cadence.sidebar.collapsed";
function showCollapsed(collapsed) {
  document.documentElement.classList.toggle("sidebar-collapsed", collapsed);
  const button = document.querySelector("[data-sidebar-collapse]");
  if (button) button.setAttribute("aria-pressed", String(collapsed));
}
try {
  showCollapsed(window.localStorage.getItem(COLLAPSED_KEY) === "1");
} catch (error) {
  // storage refused (private mode): stay expanded
}
function setDrawer(open) {
  document.documentElement.classList.toggle("nav-open", open);
  const toggle = document.querySelector("[data-nav-toggle]");
  if (toggle) toggle.setAttribute("aria-expanded", String(open));
  if (open) {
    const current = document.querySelector("#sidebar a[aria-current], #sidebar a");
    if (current) current.focus();
  }
}
document.addEventListener("click", (event) => {
  const target = event.target.closest ? event.target : null;
  if (!target) return;
  if (target.closest("[data-sidebar-collapse]")) {
    const collapsed = !document.documentElement.classList.contains("sidebar-collapsed");
    showCollapsed(collapsed);
    try {
      window.localStorage.setItem(COLLAPSED_KEY, collapsed ? "1" : "0");
    } catch (error) {
      // not remembered, still applied
    }
  } else if (target.closest("[data-nav-toggle]")) {
    setDrawer(!document.documentElement.classList.contains("nav-open"));
  } else if (target.closest("[data-nav-close]")) {
    setDrawer(false);
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.documentElement.classList.contains("nav-open")) {
    setDrawer(false);
    const toggle = document.querySelector("[data-nav-toggle]");
    if (toggle) toggle.focus();
  }
});

// --- Components ----------------------------------------------------------------------------------

// Dialogs ({% dialog %}): [data-dialog-open="id"] opens the <dialog id>, [data-dialog-close] closes
// the one it is in; window.cadence.dialog.open(id) / close(id) for other scripts.
window.cadence = window.cadence || {};
window.cadence.dialog = {
  open(id) {
    const dialog = document.getElementById(id);
    if (dialog && !dialog.open) dialog.showModal();
    return dialog;
  },
  close(id) {
    const dialog = document.getElementById(id);
    if (dialog && dialog.open) dialog.close();
  },
};
document.addEventListener("click", (event) => {
  const opener = event.target.closest && event.target.closest("[data-dialog-open]");
  if (opener) {
    event.preventDefault();
    window.cadence.dialog.open(opener.dataset.dialogOpen);
    return;
  }
  const closer = event.target.closest && event.target.closest("[data-dialog-close]");
  if (closer) {
    const dialog = closer.closest("dialog");
    if (dialog) dialog.close();
  } else if (event.target.tagName === "DIALOG" && event.target.classList.contains("dialog")) {
    event.target.close(); // a click on the backdrop
  }
});

// Toasts ({% toasts %}): a success or info message leaves after a while, unless it offers an Undo
// or the pointer or focus is on it; errors and warnings stay until dismissed.
function dismissToast(toast) {
  toast.classList.add("leaving");
  window.setTimeout(() => toast.remove(), 200);
}
document.addEventListener("click", (event) => {
  const close = event.target.closest && event.target.closest("[data-toast-close]");
  if (close) dismissToast(close.closest("[data-toast]"));
});
for (const toast of document.querySelectorAll("[data-toast=success], [data-toast=info]")) {
  if (toast.querySelector("form")) continue;
  const timer = window.setTimeout(() => {
    if (!toast.matches(":hover, :focus-within")) dismissToast(toast);
  }, 8000);
  toast.addEventListener("focusin", () => window.clearTimeout(timer), { once: true });
}

// A region that scrolls sideways (a wide table, the tabs, the board) takes the keyboard focus, so
// that it can be scrolled without a mouse (WCAG 2.1.1; axe: scrollable-region-focusable).
function focusScrollers() {
  for (const region of document.querySelectorAll(".table-wrap, .tabs, .board-columns, .gantt-wrap, .roadmap-wrap, .prose pre")) {
    if (region.scrollWidth > region.clientWidth && !region.hasAttribute("tabindex")) region.setAttribute("tabindex", "0");
  }
}
focusScrollers();
window.addEventListener("resize", focusScrollers);
document.addEventListener("htmx:afterSettle", focusScrollers);
