// The backlog's manual order: drag a row (HTML5 drag and drop) between two others to place it
// there. The move is posted with fetch (and the CSRF token), then the list is reloaded through
// htmx as the server now has it. Rows also have move-up and move-down buttons, which post the
// same endpoint without a mouse. No inline scripts anywhere (the CSP forbids them).
"use strict";

(() => {
  let dragged = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function list() {
    return document.getElementById("backlog");
  }

  function rowOf(target) {
    return target && target.closest ? target.closest("tr[data-number][draggable=true]") : null;
  }

  function clearMarks() {
    for (const row of document.querySelectorAll("#backlog tr.drop-before, #backlog tr.drop-after")) {
      row.classList.remove("drop-before", "drop-after");
    }
  }

  function dropsAbove(event, row) {
    const box = row.getBoundingClientRect();
    return event.clientY < box.top + box.height / 2;
  }

  function showError(message) {
    const region = document.getElementById("live-error");
    if (!region) return;
    region.textContent = message || region.dataset.fallback;
    region.classList.add("visible");
    window.setTimeout(() => region.classList.remove("visible"), 6000);
  }

  function reload(container) {
    window.htmx.ajax("GET", container.dataset.listUrl, { source: container, target: "#backlog", swap: "outerHTML" });
  }

  function post(container, number, neighbours) {
    const body = new FormData();
    if (neighbours.before) body.append("before", neighbours.before);
    if (neighbours.after) body.append("after", neighbours.after);
    const url = container.dataset.rankUrl.replace("/0/rank/", `/${encodeURIComponent(number)}/rank/`);
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then((response) => response.json().catch(() => ({})).then((answer) => {
        if (!response.ok) showError((answer.errors || []).join(" "));
      }))
      .catch(() => showError(""))
      .finally(() => reload(container));
  }

  // After a move-up or move-down button swapped the list in, the keyboard focus goes back to the
  // same button of the moved row (marked data-refocus), not to the start of the page.
  document.addEventListener("htmx:afterSettle", () => {
    const container = list();
    if (!container) return;
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    const target = container.querySelector("[data-refocus]");
    if (target) target.focus();
  });

  document.addEventListener("dragstart", (event) => {
    const row = rowOf(event.target);
    if (!row) return;
    dragged = row;
    event.dataTransfer.setData("text/plain", row.dataset.number);
    event.dataTransfer.effectAllowed = "move";
    row.classList.add("dragging");
  });

  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearMarks();
  });

  document.addEventListener("dragover", (event) => {
    const row = rowOf(event.target);
    if (!row || !dragged || row === dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearMarks();
    row.classList.add(dropsAbove(event, row) ? "drop-before" : "drop-after");
  });

  document.addEventListener("drop", (event) => {
    const row = rowOf(event.target);
    const container = list();
    if (!row || !dragged || row === dragged || !container) return;
    event.preventDefault();
    clearMarks();
    // Move the row in the page at once, then name its new neighbours to the server.
    if (dropsAbove(event, row)) row.before(dragged);
    else row.after(dragged);
    const previous = dragged.previousElementSibling;
    const next = dragged.nextElementSibling;
    post(container, dragged.dataset.number, {
      after: previous && previous.dataset.number ? previous.dataset.number : "",
      before: next && next.dataset.number ? next.dataset.number : "",
    });
  });
})();
