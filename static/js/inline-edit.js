// Detail pages: their sections as ARIA tabs, and fields edited in place (core/inline_field.html).
// Without this script every section is shown one after another, and the full edit forms work.
"use strict";

(() => {
  // --- Tabs: <div data-tabs> holding <div data-tab-panel id=… data-tab-label=…> sections ---------

  // A section with nothing in it for this reader (an edit form they may not use) gets no tab.
  function panelsOf(container) {
    return Array.from(container.children).filter((child) => child.hasAttribute("data-tab-panel") && child.firstElementChild);
  }

  function select(container, panel, { focus = false, remember = false } = {}) {
    for (const other of panelsOf(container)) {
      const tab = document.getElementById(`${other.id}-tab`);
      const chosen = other === panel;
      other.hidden = !chosen;
      tab.setAttribute("aria-selected", chosen ? "true" : "false");
      tab.tabIndex = chosen ? 0 : -1;
      if (chosen && focus) tab.focus();
    }
    // The URL keeps the chosen tab (a reload or a shared link opens it), without scrolling to it.
    if (remember) window.history.replaceState(null, "", `#${panel.id}`);
  }

  // The panel the URL's fragment names, or holds the element it names (#comments, #retro); else the
  // one a re-rendered form shows its errors in; else the first.
  function initialPanel(container) {
    const panels = panelsOf(container);
    const hash = decodeURIComponent(window.location.hash.slice(1));
    const target = hash && document.getElementById(hash);
    const named = target && panels.find((panel) => panel.contains(target));
    const failed = panels.find((panel) => panel.querySelector(".errorlist, .notice.warning[role=alert]"));
    return named || failed || panels[0];
  }

  function setUpTabs(container) {
    const panels = panelsOf(container);
    if (panels.length < 2 || container.querySelector("[role=tablist]")) return;
    const list = document.createElement("div");
    list.setAttribute("role", "tablist");
    list.className = "detail-tablist";
    if (container.dataset.tabsLabel) list.setAttribute("aria-label", container.dataset.tabsLabel);
    for (const panel of panels) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.id = `${panel.id}-tab`;
      tab.className = "detail-tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.textContent = panel.dataset.tabLabel;
      tab.addEventListener("click", () => select(container, panel, { remember: true }));
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      list.append(tab);
    }
    list.addEventListener("keydown", (event) => {
      const tabs = Array.from(list.children);
      const index = tabs.indexOf(document.activeElement);
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
      if (index < 0 || !(event.key in moves)) return;
      event.preventDefault();
      const next = (moves[event.key] + tabs.length) % tabs.length;
      select(container, panels[next], { focus: true, remember: true });
    });
    container.prepend(list);
    select(container, initialPanel(container));
    // A form posted from a tab comes back to it: the redirect keeps the fragment of the request.
    container.addEventListener("submit", (event) => {
      const form = event.target;
      const panel = panels.find((p) => p.contains(form));
      if (panel && !form.hasAttribute("hx-post") && !form.getAttribute("action")?.includes("#")) {
        form.setAttribute("action", `${form.getAttribute("action") || window.location.pathname}#${panel.id}`);
      }
    });
  }

  function setUpAll() {
    for (const container of document.querySelectorAll("[data-tabs]")) setUpTabs(container);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpAll);
  else setUpAll();
  window.addEventListener("hashchange", () => {
    for (const container of document.querySelectorAll("[data-tabs]")) {
      if (container.querySelector("[role=tablist]")) select(container, initialPanel(container));
    }
  });

  // --- Inline editing ------------------------------------------------------------------------------

  document.addEventListener("keydown", (event) => {
    const form = event.target.closest && event.target.closest("[data-inline-form]");
    if (!form || event.isComposing) return;
    if (event.key === "Escape") {
      event.preventDefault();
      form.querySelector("[data-inline-cancel]").click();
    } else if (event.key === "Enter" && event.target.tagName !== "BUTTON" && event.target.tagName !== "A") {
      // Enter saves; in a text area it is a new line, and Ctrl+Enter saves.
      if (event.target.tagName === "TEXTAREA" && !(event.ctrlKey || event.metaKey)) return;
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // An editor takes the focus when it opens; the value takes it back when the editor closes.
  document.addEventListener("htmx:load", (event) => {
    const element = event.detail.elt;
    if (!element.matches) return;
    if (element.matches("[data-inline-form]")) {
      const field = element.querySelector("[autofocus]") || element.querySelector("input:not([type=hidden]), select, textarea");
      if (field) {
        field.focus();
        if (field.select && field.tagName === "INPUT") field.select();
      }
    } else if (element.matches(".inline-field") && (!document.activeElement || document.activeElement === document.body)) {
      element.querySelector("button").focus();
    }
  });
})();
