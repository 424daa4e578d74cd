// The command palette (Ctrl/⌘-K) and the shortcut help (?). Markup: core/templates/core/palette.html.
//
// Contracts for other parts of the page:
// - Shortcuts: any element carrying data-shortcut-key="j" and data-shortcut-label="Next row" is listed
//   in the `?` dialog (the key as written, the label as the page translated it). The element itself
//   handles the key; this file only lists it. Elements inside [hidden] are left out.
// - Recent objects: the palette remembers what was opened from it, and any page may add itself with an
//   element carrying data-recent-object data-recent-type, data-recent-type-label, data-recent-key
//   (optional), data-recent-title, data-recent-url. Kept per workspace in localStorage.
// - Quick create: choosing "Create a work item" dispatches a cancelable
//   CustomEvent("cadence:quick-create", {detail: {kind}}) on document; if nobody calls
//   preventDefault(), the palette goes to the create page.
// - Theme: choosing a theme dispatches CustomEvent("cadence:set-theme", {detail: {theme}}).
"use strict";

(() => {
  const palette = document.getElementById("palette");
  const help = document.getElementById("shortcuts");
  if (!palette) return;
  const input = document.getElementById("palette-input");
  const list = document.getElementById("palette-list");
  const status = palette.querySelector(".palette-status");
  const labels = palette.dataset;
  const recentKey = `cadence:recent:${palette.dataset.workspace}`;
  const RECENT_MAX = 8;
  let options = []; // [{element, run}]
  let active = -1;
  let timer = null;
  let request = null;

  function isTyping(target) {
    return Boolean(target && target.closest && (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]")));
  }

  // --- Recent objects --------------------------------------------------------------------------
  function recent() {
    try {
      const items = JSON.parse(window.localStorage.getItem(recentKey) || "[]");
      return Array.isArray(items) ? items.filter((r) => r && typeof r.url === "string" && r.url.startsWith("/")) : [];
    } catch (error) {
      return [];
    }
  }
  function remember(result) {
    const entry = {type: result.type, typeLabel: result.typeLabel, key: result.key || null, title: result.title, subtitle: result.subtitle || "", url: result.url};
    const items = [entry, ...recent().filter((r) => r.url !== entry.url)].slice(0, RECENT_MAX);
    try {
      window.localStorage.setItem(recentKey, JSON.stringify(items));
    } catch (error) {
      // Storage full or refused: the palette works without recent objects.
    }
  }
  const visited = document.querySelector("[data-recent-object]");
  if (visited && visited.dataset.recentUrl) {
    const d = visited.dataset;
    remember({type: d.recentType, typeLabel: d.recentTypeLabel, key: d.recentKey, title: d.recentTitle, subtitle: "", url: d.recentUrl});
  }

  // --- Actions ---------------------------------------------------------------------------------
  const actions = Array.from(palette.querySelectorAll("[data-palette-actions] li")).map((li) => ({
    label: li.textContent.trim(),
    run: () => runAction(li.dataset),
  }));
  function runAction(data) {
    if (data.kind === "create") {
      const event = new CustomEvent("cadence:quick-create", {detail: {kind: data.create}, cancelable: true});
      close();
      if (document.dispatchEvent(event)) window.location.assign(data.url);
    } else if (data.kind === "go") {
      window.location.assign(data.url);
    } else if (data.kind === "language") {
      const form = palette.querySelector("[data-palette-language]");
      form.elements.language.value = data.language;
      form.submit();
    } else if (data.kind === "theme") {
      close();
      document.dispatchEvent(new CustomEvent("cadence:set-theme", {detail: {theme: data.theme}}));
    }
  }

  // --- Rendering -------------------------------------------------------------------------------
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function option(group, title, detail, key, run) {
    const li = el("li", "palette-option");
    li.setAttribute("role", "option");
    li.id = `palette-option-${options.length}`;
    li.setAttribute("aria-selected", "false");
    if (key) li.append(el("span", "palette-key", key));
    li.append(el("span", "palette-title", title));
    if (detail) li.append(el("span", "palette-detail", detail));
    const index = options.length;
    li.addEventListener("mousemove", () => { if (active !== index) select(index); });
    li.addEventListener("click", () => { select(index); options[index].run(); });
    group.append(li);
    options.push({element: li, run});
  }
  function group(label) {
    const ul = el("ul", "palette-group");
    ul.setAttribute("role", "group");
    const heading = el("li", "palette-group-label", label);
    heading.setAttribute("role", "presentation");
    heading.id = `palette-group-${list.children.length}`;
    ul.setAttribute("aria-labelledby", heading.id);
    ul.append(heading);
    list.append(ul);
    return ul;
  }
  function openResult(result) {
    remember(result);
    window.location.assign(result.url);
  }
  function render(results, text) {
    list.replaceChildren();
    options = [];
    const byType = new Map();
    for (const result of results) {
      if (!byType.has(result.typeLabel)) byType.set(result.typeLabel, []);
      byType.get(result.typeLabel).push(result);
    }
    for (const [label, rows] of byType) {
      const ul = group(label);
      for (const r of rows) option(ul, r.title, r.subtitle, r.key, () => openResult(r));
    }
    const needle = text.toLowerCase();
    const matching = actions.filter((a) => !needle || a.label.toLowerCase().includes(needle));
    if (matching.length) {
      const ul = group(labels.labelActions);
      for (const a of matching) option(ul, a.label, "", null, a.run);
    }
    select(options.length ? 0 : -1);
    if (text && !results.length && !matching.length) status.textContent = labels.labelEmpty;
    else status.textContent = text ? labels.labelCount.replace("{n}", String(options.length)) : "";
  }
  function renderEmpty() {
    const items = recent();
    list.replaceChildren();
    options = [];
    if (items.length) {
      const ul = group(labels.labelRecent);
      for (const r of items) option(ul, r.title, r.typeLabel, r.key, () => openResult(r));
    }
    const ul = group(labels.labelActions);
    for (const a of actions) option(ul, a.label, "", null, a.run);
    select(options.length ? 0 : -1);
    status.textContent = "";
  }
  function select(index) {
    if (active >= 0 && options[active]) options[active].element.setAttribute("aria-selected", "false");
    active = index;
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    const element = options[index].element;
    element.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", element.id);
    element.scrollIntoView({block: "nearest"});
  }

  // --- Searching -------------------------------------------------------------------------------
  function search() {
    const text = input.value.trim();
    if (request) request.abort();
    if (!text) {
      renderEmpty();
      return;
    }
    request = new AbortController();
    const url = `${palette.dataset.searchUrl}?${new URLSearchParams({q: text})}`;
    fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin", signal: request.signal})
      .then((response) => {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then((body) => {
        if (input.value.trim() === text) render(body.results || [], text);
      })
      .catch((error) => {
        if (error.name !== "AbortError") status.textContent = labels.labelError;
      });
  }
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 150); // debounced: one request once typing pauses
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      select((active + step + options.length) % options.length);
    } else if (event.key === "Home" && event.ctrlKey) {
      if (options.length) select(0);
    } else if (event.key === "Enter") {
      event.preventDefault();
      // Enter before the debounced search ran: search now, then open the first result.
      if (timer && input.value.trim()) {
        window.clearTimeout(timer);
        timer = null;
        searchThenOpen();
      } else if (active >= 0) {
        options[active].run();
      }
    }
  });
  function searchThenOpen() {
    const text = input.value.trim();
    fetch(`${palette.dataset.searchUrl}?${new URLSearchParams({q: text})}`, {credentials: "same-origin"})
      .then((response) => response.json())
      .then((body) => {
        render(body.results || [], text);
        if (options.length) options[0].run();
      })
      .catch(() => { status.textContent = labels.labelError; });
  }

  // --- Opening and closing ---------------------------------------------------------------------
  function open() {
    if (help && help.open) help.close();
    if (palette.open) {
      input.focus();
      input.select();
      return;
    }
    input.value = "";
    renderEmpty();
    palette.showModal();
    input.focus();
  }
  function close() {
    if (palette.open) palette.close();
  }
  palette.addEventListener("close", () => {
    window.clearTimeout(timer);
    timer = null;
    if (request) request.abort();
  });
  // A click on the backdrop (the dialog itself, outside its content) closes it.
  for (const dialog of [palette, help]) {
    if (dialog) dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
  }
  for (const button of document.querySelectorAll("[data-palette-open]")) button.addEventListener("click", open);

  // --- The shortcut help -----------------------------------------------------------------------
  function showHelp() {
    if (!help) return;
    const listing = help.querySelector("[data-shortcut-list]");
    for (const old of listing.querySelectorAll("[data-shortcut-page]")) old.remove();
    const seen = new Set();
    for (const element of document.querySelectorAll("[data-shortcut-key][data-shortcut-label]")) {
      if (element.closest("[hidden]")) continue;
      const key = element.dataset.shortcutKey;
      const label = element.dataset.shortcutLabel;
      if (seen.has(`${key}\n${label}`)) continue;
      seen.add(`${key}\n${label}`);
      const row = el("div");
      row.dataset.shortcutPage = "";
      const dt = el("dt");
      dt.append(el("kbd", "", key));
      row.append(dt, el("dd", "", label));
      listing.append(row);
    }
    close();
    help.showModal();
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "k") {
      event.preventDefault();
      open();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (palette.open || (help && help.open)) return;
    if (event.key === "?") {
      event.preventDefault();
      showHelp();
    } else if (event.key === "/") {
      // A list's own search box takes "/" (cadence.js); elsewhere it opens the palette.
      event.preventDefault();
      open();
    }
  });
})();
