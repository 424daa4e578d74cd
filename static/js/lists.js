// Lists: filter chips that apply at once, and the work-item list's column chooser. The pages work
// without this file: the chips are an ordinary GET form with an Apply button, and every column shows.
"use strict";

(function () {
  // A chips form is live once this runs: CSS hides its Apply button and shows the column chooser.
  function wake(root) {
    for (const form of root.querySelectorAll("form[data-chips], form[data-autosubmit]")) form.classList.add("chips-live");
    for (const chooser of root.querySelectorAll("[data-columns-key]")) {
      chooser.hidden = false;
      applyColumns(chooser);
    }
  }

  function isSet(field) {
    return field.type === "checkbox" ? field.checked : field.value !== "";
  }

  function syncChip(field) {
    const chip = field.closest("[data-chip]");
    if (!chip) return;
    chip.classList.toggle("chip-active", isSet(field));
    const clear = chip.querySelector("[data-chip-clear]");
    if (clear) clear.hidden = !isSet(field);
  }

  // Typing in a search chip applies after a pause, as a change would (a change event bubbles to
  // the form, whose hx-trigger is "change").
  const timers = new WeakMap();
  document.addEventListener("input", (event) => {
    const field = event.target;
    if (!field.matches || !field.matches("form.chips-live input")) return;
    window.clearTimeout(timers.get(field));
    timers.set(field, window.setTimeout(() => field.dispatchEvent(new Event("change", { bubbles: true })), 400));
  });
  document.addEventListener("change", (event) => {
    const field = event.target;
    if (field.closest && field.closest("form.chips-live")) syncChip(field);
  });

  // A chip's clear button empties its field and applies (the link is the fallback without JS).
  document.addEventListener("click", (event) => {
    const clear = event.target.closest && event.target.closest("form.chips-live [data-chip-clear]");
    if (!clear) return;
    const field = clear.closest("form").elements.namedItem(clear.dataset.chipClear);
    if (!field) return;
    event.preventDefault();
    if (field.type === "checkbox") field.checked = false;
    else field.value = "";
    field.dispatchEvent(new Event("change", { bubbles: true }));
    field.focus();
  });

  // Only the filters that are set (and not to their default) go into the request and so into the
  // URL; the same query twice
  // (a search applied by the pause, then by leaving the field) is asked for once.
  let lastQuery = null;
  document.addEventListener("htmx:configRequest", (event) => {
    if (!event.detail.elt.matches || !event.detail.elt.matches("form[data-chips]")) return;
    const params = event.detail.parameters;
    const defaults = {};
    for (const field of event.detail.elt.querySelectorAll("[data-chip-default]")) {
      defaults[field.name] = field.dataset.chipDefault;
    }
    const keys = params instanceof FormData ? Array.from(params.keys()) : Object.keys(params);
    for (const key of keys) {
      const value = params instanceof FormData ? params.get(key) : params[key];
      if (value === "" || value === null || defaults[key] === value) {
        if (params instanceof FormData) params.delete(key);
        else delete params[key];
      }
    }
  });
  document.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-chips]")) return;
    const query = new URLSearchParams(new FormData(form)).toString();
    if (query === lastQuery) event.preventDefault();
    lastQuery = query;
  });

  // The column chooser: the hidden columns of a list, per person and list, in localStorage (this
  // browser only; the saved views keep filters, not columns).
  function storedHidden(chooser) {
    try {
      const value = JSON.parse(window.localStorage.getItem(chooser.dataset.columnsKey) || "[]");
      return Array.isArray(value) ? value : [];
    } catch (error) {
      return [];
    }
  }
  function applyColumns(chooser) {
    const hidden = storedHidden(chooser);
    for (const box of chooser.querySelectorAll("input[data-column]")) box.checked = !hidden.includes(box.dataset.column);
    const table = document.querySelector(chooser.dataset.columnsTable);
    if (!table) return;
    for (const box of chooser.querySelectorAll("input[data-column]")) {
      table.classList.toggle(`hide-${box.dataset.column}`, !box.checked);
    }
  }
  document.addEventListener("change", (event) => {
    const box = event.target;
    const chooser = box.closest && box.closest("[data-columns-key]");
    if (!chooser || !box.matches("input[data-column]")) return;
    event.stopPropagation();
    const hidden = Array.from(chooser.querySelectorAll("input[data-column]"))
      .filter((b) => !b.checked)
      .map((b) => b.dataset.column);
    try {
      window.localStorage.setItem(chooser.dataset.columnsKey, JSON.stringify(hidden));
    } catch (error) {
      // A browser that keeps nothing: the choice lasts until the page changes.
    }
    applyColumns(chooser);
  });

  // The column chooser closes on a click elsewhere or on Escape, as menus do.
  document.addEventListener("click", (event) => {
    for (const open of document.querySelectorAll(".column-chooser[open]")) {
      if (!open.contains(event.target)) open.removeAttribute("open");
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const open of document.querySelectorAll(".column-chooser[open]")) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
  });

  // A small options form (the board's columns and sprint) applies as it changes: a page load.
  document.addEventListener("change", (event) => {
    const form = event.target.form;
    if (form && form.matches("form[data-autosubmit]")) form.requestSubmit();
  });

  document.addEventListener("DOMContentLoaded", () => wake(document));
  document.addEventListener("htmx:load", (event) => {
    if (event.detail.elt && event.detail.elt.querySelectorAll) wake(event.detail.elt);
  });
})();
