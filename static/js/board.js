// The board's drag and drop (moved from cadence.js).
"use strict";

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
