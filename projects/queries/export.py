"""CSV and XLSX exports of a filtered work-item list. Every text cell that a spreadsheet could read
as a formula is neutralised first (SECURITY.md rule 8)."""

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

if TYPE_CHECKING:
    from projects.models import Project, WorkItem

MAX_ROWS = 10_000
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these may be run as a formula (or hide one after a control character).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def safe_cell(value: Any) -> Any:
    """Text starting with a formula character gets a leading single quote; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def headers() -> list[str]:
    return [
        _("Key"),
        _("Type"),
        _("Title"),
        _("Status"),
        _("Owner"),
        _("Priority"),
        _("Points"),
        _("Estimate (hours)"),
        _("Logged (hours)"),
        _("Start"),
        _("Due"),
        _("Sprint"),
        _("Milestone"),
        _("Tags"),
        _("Resolution"),
    ]


def row_of(item: "WorkItem") -> list[Any]:
    return [
        item.key,
        item.get_type_display(),  # type: ignore[attr-defined]
        item.title,
        item.state.name,
        str(item.owner),
        item.get_priority_display(),  # type: ignore[attr-defined]
        item.points,
        item.estimate_hours,
        item.logged_hours,
        item.start_date,
        item.due_date,
        item.sprint.name if item.sprint else "",
        item.milestone.name if item.milestone else "",
        ", ".join(item.tags),
        item.resolution,
    ]


def rows(qs: QuerySet["WorkItem"]) -> tuple[list[list[Any]], bool]:
    """The safe rows of `qs` (ordered already), at most MAX_ROWS; and whether there were more."""
    items = list(qs[: MAX_ROWS + 1])
    truncated = len(items) > MAX_ROWS
    return [[safe_cell(v) for v in row_of(item)] for item in items[:MAX_ROWS]], truncated


def truncation_note() -> str:
    return _("Only the first %(n)s rows were exported; narrow the filters to export the rest.") % {"n": MAX_ROWS}


def to_csv(table: Iterable[list[Any]], *, truncated: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in headers()])
    for row in table:
        writer.writerow(["" if v is None else v for v in row])
    if truncated:
        writer.writerow([safe_cell(truncation_note())])
    # A byte order mark, so that spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def to_xlsx(table: Iterable[list[Any]], *, truncated: bool) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Work items")[:31])
    sheet.append([safe_cell(h) for h in headers()])
    for row in table:
        sheet.append([_xlsx_value(v) for v in row])
    if truncated:
        sheet.append([safe_cell(truncation_note())])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_items(project: "Project", query: dict[str, Any], kind: str) -> tuple[bytes, str, bool]:
    """The project's items under `query` (checked filters) as (file, content type, truncated): the
    one export for the page and the API."""
    from projects.queries import items_of
    from projects.queries.filters import apply

    if kind not in FORMATS:
        raise ValidationFailed({"format": _("Choose one of: %(choices)s.") % {"choices": ", ".join(FORMATS)}})
    qs, order = apply(items_of(project), query)
    qs = qs.order_by(order, "-id" if order.startswith("-") else "id")
    table, truncated = rows(qs)
    if kind == "csv":
        return to_csv(table, truncated=truncated), "text/csv; charset=utf-8", truncated
    return to_xlsx(table, truncated=truncated), XLSX_TYPE, truncated
