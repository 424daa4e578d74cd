"""CSV and XLSX exports of requirements and of feedback, with the filters and the permissions of
their lists, written by core.export (which quotes every cell a spreadsheet could run as a formula,
SECURITY.md rule 8). Rows are read in chunks and written as they come (the CSV streams), up to
core.export.MAX_ROWS rows."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from core import export as files
from core.permissions import require
from product import queries
from product.models import NUMERIC_ANALYSIS_FIELDS, Feedback, Requirement
from product.queries import feedback as queries_feedback

if TYPE_CHECKING:
    from accounts.models import Membership

CHUNK = 500


@dataclass
class Export:
    """What to send: the rows come out lazily, as the file is written."""

    name: str  # the file name without extension, and the sheet's title
    headers: list[str]
    rows: Iterable[list[Any]]
    truncated: bool


def max_rows() -> int:
    return files.MAX_ROWS


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _rows(qs: QuerySet[Any], row_of: Callable[[Any], list[Any]]) -> tuple[Iterator[list[Any]], bool]:
    """The rows of `qs` (ordered), read in chunks, at most MAX_ROWS; and whether there were more."""
    limit = max_rows()
    truncated = qs[limit : limit + 1].exists()

    def generate() -> Iterator[list[Any]]:
        for obj in qs[:limit].iterator(chunk_size=CHUNK):
            yield row_of(obj)

    return generate(), truncated


# --- Requirements --------------------------------------------------------------------------------


def requirement_headers() -> list[str]:
    return [
        _("Key"),
        _("Title"),
        _("Product"),
        _("Module"),
        _("Type"),
        _("Source"),
        _("Status"),
        _("Owner"),
        _("Release"),
        _("Score"),
        _("Feasibility"),
        _("Market potential"),
        _("User value"),
        _("Effort (person-months)"),
        _("Reach"),
        _("Impact"),
        _("Confidence"),
        _("Time criticality"),
        _("Risk reduction"),
        _("Job size"),
        _("MoSCoW"),
        _("Kano category"),
        _("Feedback"),
        _("Customers"),
        _("Tags"),
        _("Created"),
    ]


def requirement_row(requirement: Requirement) -> list[Any]:
    return [
        requirement.key,
        requirement.title,
        requirement.product.name,
        requirement.module.name if requirement.module else "",
        requirement.get_type_display(),  # type: ignore[attr-defined]
        requirement.get_source_display(),  # type: ignore[attr-defined]
        requirement.get_status_display(),  # type: ignore[attr-defined]
        str(requirement.owner),
        requirement.release.name if requirement.release else "",
        round(requirement.score, 2) if requirement.score is not None else None,
        *[getattr(requirement, name) for name in NUMERIC_ANALYSIS_FIELDS],
        requirement.get_moscow_display() if requirement.moscow else "",  # type: ignore[attr-defined]
        requirement.get_kano_display() if requirement.kano else "",  # type: ignore[attr-defined]
        requirement.feedback_count,
        requirement.customer_count,
        ", ".join(requirement.tags),
        _local(requirement.created_at),
    ]


REQUIREMENT_ORDER: dict[str, tuple[Any, ...]] = {
    "score": (F("score").desc(nulls_last=True), "rank", "pk"),
    "rank": ("rank", "pk"),
    "-created": ("-id",),
    "key": ("number",),
}


def export_requirements(actor: "Membership", query: dict[str, Any]) -> Export:
    """The backlog as `query` (checked by queries.check_query) filters and sorts it."""
    require(actor, "product.view")
    qs = queries.requirements_for(actor, query).order_by(*REQUIREMENT_ORDER[query.get("sort", "score")])
    rows, truncated = _rows(qs, requirement_row)
    return Export("requirements", requirement_headers(), rows, truncated)


# --- Feedback ------------------------------------------------------------------------------------


def feedback_headers() -> list[str]:
    return [
        _("ID"),
        _("Product"),
        _("Channel"),
        _("Customer"),
        _("Company"),
        _("Segment"),
        _("Kind"),
        _("Sentiment"),
        _("Status"),
        _("Tags"),
        _("Requirements"),
        _("Content"),
        _("Created"),
    ]


def feedback_row(feedback: Feedback) -> list[Any]:
    customer = feedback.customer
    return [
        feedback.pk,
        feedback.product.name,
        feedback.get_channel_display(),  # type: ignore[attr-defined]
        customer.name if customer else "",
        customer.company if customer else "",
        customer.get_segment_display() if customer and customer.segment else "",  # type: ignore[attr-defined]
        feedback.get_kind_display(),  # type: ignore[attr-defined]
        feedback.get_sentiment_display() if feedback.sentiment else "",  # type: ignore[attr-defined]
        feedback.get_status_display(),  # type: ignore[attr-defined]
        ", ".join(feedback.tags),
        ", ".join(link.requirement.key for link in feedback.live_links),  # type: ignore[attr-defined]
        feedback.content,
        _local(feedback.created_at),
    ]


def export_feedback(actor: "Membership", query: dict[str, Any]) -> Export:
    """The inbox as `query` (checked by queries_feedback.check_query) filters it, newest first."""
    qs = queries_feedback.feedback_for(actor, query).order_by("-id")
    rows, truncated = _rows(qs, feedback_row)
    return Export("feedback", feedback_headers(), rows, truncated)


# --- Writing the files ---------------------------------------------------------------------------


def csv_chunks(export: Export) -> Iterator[bytes]:
    """The CSV, line by line."""
    return files.csv_lines(export.headers, export.rows, note=files.truncation_note() if export.truncated else None)


def to_xlsx(export: Export, sheet_title: str) -> bytes:
    return files.xlsx_bytes(
        sheet_title, export.headers, export.rows, note=files.truncation_note() if export.truncated else None
    )


def response_for(export: Export, kind: str, sheet_title: str) -> HttpResponseBase:
    """The file as a download, for the page and the API alike: a CSV streams, a workbook is sent
    when it is written."""
    response: HttpResponseBase
    if kind == "csv":
        response = StreamingHttpResponse(csv_chunks(export), content_type=files.CSV_TYPE)
    else:
        response = HttpResponse(to_xlsx(export, sheet_title), content_type=files.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export.name}.{kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    if export.truncated:
        response["X-Export-Truncated"] = str(max_rows())
    return response
