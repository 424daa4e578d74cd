"""The spreadsheet files of every export: CSV (UTF-8 with a byte order mark, so that spreadsheet
programs read it as UTF-8) and XLSX. Every cell a spreadsheet could run as a formula is quoted
first (SECURITY.md rule 8); apps choose the rows, these functions write them."""

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

MAX_ROWS = 10_000  # of one export; a longer list is cut, and says so
FORMATS = ("csv", "xlsx")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these may be run as a formula (or hide one after a control character).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


def safe_cell(value: Any) -> Any:
    """Text starting with a formula character gets a leading single quote; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def truncation_note() -> str:
    return _("Only the first %(n)s rows were exported; narrow the filters to export the rest.") % {"n": MAX_ROWS}


def check_format(kind: str | None) -> str:
    """The export format asked for (CSV unless named), or an error naming `format`."""
    kind = kind or "csv"
    if kind not in FORMATS:
        raise ValidationFailed({"format": _("Choose one of: %(choices)s.") % {"choices": ", ".join(FORMATS)}})
    return kind


class _Line:
    """csv.writer writes into this and gets the line back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: list[str], rows: Iterable[list[Any]], *, note: str | None = None) -> Iterator[bytes]:
    """The CSV line by line (a response can stream it), with `note` as a last line when given."""
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow([safe_cell(h) for h in headers])).encode("utf-8")
    for row in rows:
        yield writer.writerow(["" if v is None else safe_cell(v) for v in row]).encode("utf-8")
    if note:
        yield writer.writerow([safe_cell(note)]).encode("utf-8")


def csv_bytes(headers: list[str], rows: Iterable[list[Any]], *, note: str | None = None) -> bytes:
    return b"".join(csv_lines(headers, rows, note=note))


def _xlsx_value(value: Any) -> Any:
    """A safe cell; characters XML cannot hold (NUL and other controls) are dropped after quoting."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, Decimal):
        return float(value)
    value = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_bytes(sheet_title: str, headers: list[str], rows: Iterable[list[Any]], *, note: str | None = None) -> bytes:
    """The workbook, written row by row (openpyxl's write-only mode keeps rows out of memory)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    sheet.append([_xlsx_value(h) for h in headers])
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    if note:
        sheet.append([_xlsx_value(note)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
