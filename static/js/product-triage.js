// The feedback inbox's keys, on top of cadence.js (which moves through the rows with j and k and
// opens one with Enter): x checks or unchecks the focused row; s, t and l jump to the action bar's
// status, tag and requirement fields, whose buttons act on the checked rows (or, when none is
// checked, on the row last focused). Triage moves on: the action names the next row, which the
// inbox focuses when it opens again. The page works without this file: every row has a labelled
// checkbox and the bar is an ordinary form.
"use strict";

(function () {
  function isTyping(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"));
  }

  function bar() {
    return document.querySelector("[data-triage-bar]");
  }

  function showCount() {
    const form = bar();
    const count = form && form.querySelector("[data-triage-count]");
    if (!count) return;
    const checked = document.querySelectorAll('input[type=checkbox][form="bulk"]:checked').length;
    count.textContent = checked ? (count.dataset.template || "%(n)s").replace("%(n)s", String(checked)) : "";
  }

  const jumps = { s: "[data-bulk-status]", t: "[data-bulk-tag]", l: "[data-bulk-link]" };
  let lastRow = null;
  document.addEventListener("focusin", (event) => {
    const row = event.target && event.target.closest ? event.target.closest("[data-rows] [data-row]") : null;
    if (row) lastRow = row;
  });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (!bar()) return;
    if (event.key === "x") {
      const row = document.activeElement && document.activeElement.closest ? document.activeElement.closest("[data-row]") : null;
      const box = row && row.querySelector('input[type=checkbox][form="bulk"]');
      if (!box) return;
      event.preventDefault();
      box.checked = !box.checked;
      row.classList.toggle("row-checked", box.checked);
      showCount();
    } else if (jumps[event.key]) {
      const field = bar().querySelector(jumps[event.key]);
      if (!field) return;
      event.preventDefault();
      field.focus();
    }
  });

  // Escape in the action bar goes back to the rows, where j and k carry on.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !bar() || !bar().contains(event.target)) return;
    const row = (lastRow && document.contains(lastRow) && lastRow) || document.querySelector("[data-rows] [data-row]");
    if (row) {
      event.preventDefault();
      row.focus();
    }
  });

  document.addEventListener("change", (event) => {
    if (event.target && event.target.matches && event.target.matches('input[type=checkbox][form="bulk"]')) showCount();
  });

  function boxOf(row) {
    return row.querySelector('input[type=checkbox][form="bulk"]');
  }

  // The row to go on with after acting on the checked ones: the first unchecked row below the
  // last checked one, else the nearest unchecked one above.
  function nextRow(rows) {
    const checked = rows.map((row) => Boolean(boxOf(row) && boxOf(row).checked));
    const last = checked.lastIndexOf(true);
    if (last < 0) return null;
    for (let i = last + 1; i < rows.length; i += 1) if (!checked[i]) return rows[i];
    for (let i = last - 1; i >= 0; i -= 1) if (!checked[i]) return rows[i];
    return null;
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("[data-triage-bar]")) return;
    const rows = Array.from(document.querySelectorAll("[data-rows] [data-row]"));
    const anyChecked = rows.some((row) => boxOf(row) && boxOf(row).checked);
    if (!anyChecked && lastRow && document.contains(lastRow) && boxOf(lastRow)) boxOf(lastRow).checked = true;
    const next = nextRow(rows);
    const focus = form.querySelector("[data-triage-focus]");
    if (focus) focus.value = next ? next.dataset.feedback || "" : "";
  });

  // Opened after an action (…#feedback-12): that row has the focus, so j, k and x go on from it.
  function focusNamedRow() {
    const match = /^#feedback-(\d+)$/.exec(window.location.hash);
    const row = match && document.getElementById(`feedback-${match[1]}`);
    if (!row || !row.matches("[data-row]")) return;
    for (const other of document.querySelectorAll("[data-rows] .row-focus")) other.classList.remove("row-focus");
    row.classList.add("row-focus");
    row.focus();
    lastRow = row;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusNamedRow);
  else focusNamedRow();
})();
