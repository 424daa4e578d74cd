"""CSV and XLSX exports of a filtered work-item list: its columns and rows, written by core.export."""

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core import export as files

if TYPE_CHECKING:
    from projects.models import Project, WorkItem


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
    """The rows of `qs` (ordered already), at most MAX_ROWS; and whether there were more."""
    items = list(qs[: files.MAX_ROWS + 1])
    truncated = len(items) > files.MAX_ROWS
    return [row_of(item) for item in items[: files.MAX_ROWS]], truncated


def export_items(project: "Project", query: dict[str, Any], kind: str) -> tuple[bytes, str, bool]:
    """The project's items under `query` (checked filters) as (file, content type, truncated): the
    one export for the page and the API."""
    from projects.queries import items_of
    from projects.queries.filters import apply

    kind = files.check_format(kind)
    qs, order = apply(items_of(project), query)
    qs = qs.order_by(order, "-id" if order.startswith("-") else "id")
    table, truncated = rows(qs)
    note = files.truncation_note() if truncated else None
    if kind == "csv":
        return files.csv_bytes(headers(), table, note=note), files.CSV_TYPE, truncated
    return files.xlsx_bytes(_("Work items"), headers(), table, note=note), files.XLSX_TYPE, truncated
