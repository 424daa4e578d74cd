// Quick create: `c` on any page (not while typing) or the palette's `cadence:quick-create` event
// opens a dialog with the form of a work item, requirement or feedback (an htmx fragment). The
// server picks the current project or product from the page's path, sent as `page`.
"use strict";

(() => {
  const KINDS = { work_item: "workItemUrl", requirement: "requirementUrl", feedback: "feedbackUrl" };

  function typing(target) {
    return Boolean(target && target.closest && (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]")));
  }

  // The kind a page creates: what its own "new" button makes, else what its section is about.
  function pageKind() {
    const path = window.location.pathname;
    if (/\/feedback(\/|$)/.test(path)) return "feedback";
    if (/\/(requirements|products|releases|roadmap)(\/|$)/.test(path)) return "requirement";
    return "work_item";
  }

  function focusFirst(dialog) {
    const field = dialog.querySelector("[autofocus]") || dialog.querySelector("input, textarea, select");
    if (field) field.focus();
  }

  function open(kind) {
    const dialog = document.getElementById("quick-create");
    const url = dialog && dialog.dataset[KINDS[kind]];
    if (!url || !window.htmx) return false;
    const params = new URLSearchParams({ page: window.location.pathname + window.location.search });
    const body = dialog.querySelector("#quick-create-body");
    body.replaceChildren();
    window.htmx.ajax("GET", `${url}?${params}`, { target: body, swap: "innerHTML" }).then(() => {
      if (!body.querySelector("form")) return; // refused: cadence.js shows the server's reason
      if (!dialog.open) dialog.showModal();
      focusFirst(dialog);
    });
    return true;
  }

  // Capture phase: runs before cadence.js's list shortcuts, whose `c` would follow the "new" link.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "c" || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    if (open(pageKind())) event.preventDefault();
  }, true);

  document.addEventListener("cadence:quick-create", (event) => {
    const kind = event.detail && event.detail.kind;
    if (KINDS[kind] && open(kind)) event.preventDefault();
  });

  // Enter creates from any field but the text area (where it is a new line; Ctrl+Enter creates).
  document.addEventListener("keydown", (event) => {
    const form = event.target.closest && event.target.closest("[data-quick-form]");
    if (!form || event.key !== "Enter" || event.isComposing) return;
    const area = event.target.tagName === "TEXTAREA";
    if ((area && !(event.ctrlKey || event.metaKey)) || event.target.tagName === "BUTTON") return;
    event.preventDefault();
    form.requestSubmit();
  });

  document.addEventListener("click", (event) => {
    if (!event.target.closest || !event.target.closest("[data-quick-close]")) return;
    const dialog = event.target.closest("dialog");
    if (dialog) dialog.close();
  });

  // After "create more", or a form with errors: back to the first field that needs attention.
  document.addEventListener("htmx:afterSettle", () => {
    const dialog = document.getElementById("quick-create");
    if (!dialog || !dialog.open) return;
    const invalid = dialog.querySelector(".errorlist + input, .errorlist + select, .errorlist + textarea");
    if (invalid) invalid.focus();
    else focusFirst(dialog);
  });

  document.addEventListener("close", (event) => {
    if (event.target.id === "quick-create") event.target.querySelector("#quick-create-body").replaceChildren();
  }, true);
})();
