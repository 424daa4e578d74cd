// The board's drag and drop. A card dragged over a column shows where it would land (a marker
// between the card above and the card below, from the pointer's height); on drop, htmx posts the
// column and those two neighbours, and swaps in the board as the server now has it (a refused
// move shows its reason, and the card stays). The whole height of a column takes a drop. Without
// a mouse, each card's Move form does the column change.
"use strict";

(function () {
  let dragged = null;
  let marker = null;

  function clearMarks() {
    if (marker) marker.remove();
    marker = null;
    for (const column of document.querySelectorAll(".board-column.drop-target")) column.classList.remove("drop-target");
  }

  function dropColumn(event) {
    const column = event.target.closest && event.target.closest(".board-column");
    return column && column.closest("[data-move-url]") ? column : null;
  }

  // The card the dragged one would go above: the first card (other than it) whose middle is
  // below the pointer; null means the end of the column.
  function cardBelow(column, y) {
    for (const card of column.querySelectorAll(".board-cards > .board-card")) {
      if (card === dragged) continue;
      const box = card.getBoundingClientRect();
      if (y < box.top + box.height / 2) return card;
    }
    return null;
  }

  function showMarker(column, below) {
    const list = column.querySelector(".board-cards");
    if (!list) return;
    if (!marker) {
      marker = document.createElement("li");
      marker.className = "board-drop-marker";
      marker.setAttribute("aria-hidden", "true");
    }
    if (below) {
      if (marker.nextElementSibling !== below) list.insertBefore(marker, below);
    } else if (list.lastElementChild !== marker) {
      list.appendChild(marker);
    }
  }

  // The neighbours of a place: the cards directly above and below it, leaving the dragged card out.
  function neighbours(column, below) {
    const cards = Array.from(column.querySelectorAll(".board-cards > .board-card")).filter((c) => c !== dragged);
    const index = below ? cards.indexOf(below) : cards.length;
    return { after: index > 0 ? cards[index - 1] : null, before: below };
  }

  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".board-card[draggable=true]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.setData("text/plain", card.dataset.item);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });

  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearMarks();
  });

  document.addEventListener("dragover", (event) => {
    const column = dropColumn(event);
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    for (const other of document.querySelectorAll(".board-column.drop-target")) {
      if (other !== column) other.classList.remove("drop-target");
    }
    column.classList.add("drop-target");
    showMarker(column, cardBelow(column, event.clientY));
  });

  document.addEventListener("dragleave", (event) => {
    const column = dropColumn(event);
    if (column && !column.contains(event.relatedTarget)) {
      column.classList.remove("drop-target");
      if (marker && column.contains(marker)) marker.remove();
    }
  });

  document.addEventListener("drop", (event) => {
    const column = dropColumn(event);
    if (!column) return;
    event.preventDefault();
    const board = column.closest("[data-move-url]");
    const item = event.dataTransfer.getData("text/plain");
    const card = dragged || board.querySelector(`.board-card[data-item="${CSS.escape(item)}"]`);
    const place = neighbours(column, cardBelow(column, event.clientY));
    clearMarks();
    if (!item) return;
    // Dropped where it already is: nothing to ask.
    if (card && card.parentElement && column.contains(card)) {
      const siblings = Array.from(column.querySelectorAll(".board-cards > .board-card"));
      const index = siblings.indexOf(card);
      if (siblings[index - 1] === (place.after || undefined) && siblings[index + 1] === (place.before || undefined)) return;
    }
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
        after: place.after ? place.after.dataset.item : "",
        before: place.before ? place.before.dataset.item : "",
        by: board.dataset.by || "status",
        workflow: board.dataset.workflow || "",
        sprint: board.dataset.sprint || "",
      },
    });
  });
})();
