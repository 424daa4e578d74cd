"""Bulk import of feedback from CSV or Excel, in two steps.

1. `upload_import` reads the file (CSV in UTF-8, with or without a byte order mark, or in GBK as
   Chinese Excel saves it; or XLSX), checks every row and keeps the rows with their errors in a
   FeedbackImport. Nothing else is written: the person sees a preview first.
2. `confirm_import` writes every good row, each row entirely or not at all, in one transaction;
   bad rows are reported. An import is confirmed once.

Cells are text: a cell that looks like a formula is kept as its text and never evaluated.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.activity import record
from core.errors import Conflict, NotFound, ValidationFailed
from core.permissions import require
from product.models import (
    Feedback,
    FeedbackChannel,
    FeedbackImport,
    FeedbackKind,
    FeedbackStatus,
    Product,
    Segment,
    Sentiment,
)
from product.services.feedback import MAX_CONTENT, clean_customer, find_or_create_customer
from product.services.requirements import clean_tags

if TYPE_CHECKING:
    from accounts.models import Membership

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
PREVIEW_ROWS = 100
# An XLSX is a zip: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_CELL = MAX_CONTENT + 1_000

FIELDS = ("content", "channel", "customer", "company", "segment", "email", "kind", "sentiment", "tags", "date")
# Header names, compared without case, spaces, underscores and hyphens.
HEADERS: dict[str, tuple[str, ...]] = {
    "content": ("content", "feedback", "text", "内容", "反馈", "反馈内容", "意见", "用户反馈"),
    "channel": ("channel", "source", "渠道", "来源", "反馈渠道"),
    "customer": ("customer", "customername", "name", "客户", "客户名称", "客户姓名", "姓名", "用户"),
    "company": ("company", "organisation", "organization", "公司", "企业", "单位", "公司名称"),
    "segment": ("segment", "customersegment", "细分", "客户类型", "客户细分", "客户群"),
    "email": ("email", "e-mail", "mail", "邮箱", "电子邮件", "邮件"),
    "kind": ("kind", "type", "类型", "反馈类型"),
    "sentiment": ("sentiment", "mood", "情绪", "情感", "态度"),
    "tags": ("tags", "tag", "labels", "标签"),
    "date": ("date", "created", "createdat", "time", "日期", "时间", "提交时间", "反馈时间"),
}
# Chinese words people write for the choices, besides the codes and the labels of the catalogue.
WORDS: dict[str, dict[str, str]] = {
    "channel": {
        "问卷": FeedbackChannel.SURVEY,
        "调查": FeedbackChannel.SURVEY,
        "问卷调查": FeedbackChannel.SURVEY,
        "访谈": FeedbackChannel.INTERVIEW,
        "用户访谈": FeedbackChannel.INTERVIEW,
        "应用商店": FeedbackChannel.APP_STORE,
        "应用商店评论": FeedbackChannel.APP_STORE,
        "应用商店评价": FeedbackChannel.APP_STORE,
        "工单": FeedbackChannel.SUPPORT,
        "客服": FeedbackChannel.SUPPORT,
        "客服工单": FeedbackChannel.SUPPORT,
        "支持工单": FeedbackChannel.SUPPORT,
        "社交媒体": FeedbackChannel.SOCIAL,
        "销售": FeedbackChannel.SALES,
        "应用内": FeedbackChannel.IN_APP,
        "产品内": FeedbackChannel.IN_APP,
        "公开表单": FeedbackChannel.PUBLIC_FORM,
        "表单": FeedbackChannel.PUBLIC_FORM,
    },
    "kind": {"评价": FeedbackKind.EVALUATION, "建议": FeedbackKind.SUGGESTION, "投诉": FeedbackKind.COMPLAINT},
    "sentiment": {
        "正面": Sentiment.POSITIVE,
        "积极": Sentiment.POSITIVE,
        "中性": Sentiment.NEUTRAL,
        "负面": Sentiment.NEGATIVE,
        "消极": Sentiment.NEGATIVE,
    },
    "segment": {
        "企业": Segment.ENTERPRISE,
        "大型企业": Segment.ENTERPRISE,
        "大客户": Segment.ENTERPRISE,
        "中型企业": Segment.MID_MARKET,
        "中型客户": Segment.MID_MARKET,
        "小企业": Segment.SMALL_BUSINESS,
        "小微企业": Segment.SMALL_BUSINESS,
        "中小企业": Segment.SMALL_BUSINESS,
        "个人": Segment.CONSUMER,
        "个人用户": Segment.CONSUMER,
        "消费者": Segment.CONSUMER,
        "教育": Segment.EDUCATION,
        "政府": Segment.GOVERNMENT,
        "其他": Segment.OTHER,
    },
}
CHOICES: dict[str, Any] = {"channel": FeedbackChannel, "kind": FeedbackKind, "sentiment": Sentiment, "segment": Segment}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M")
_CHINESE_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_TAG_SPLIT = re.compile(r"[,，;；、]")


def _normal(header: Any) -> str:
    return re.sub(r"[\s_\-]+", "", str(header or "")).lstrip("\ufeff").lower()


HEADER_LOOKUP = {_normal(alias): name for name, aliases in HEADERS.items() for alias in aliases}


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed({"file": message})


# --- Reading the file ----------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (a byte order mark is dropped), else GB 18030 (a superset of GBK, as Chinese Excel
    saves CSV)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(_("The file is not text in UTF-8 or GBK. Save it as CSV (UTF-8) and try again."))


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise _file_error(_("The file is not a CSV file: it holds binary data."))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0] or ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1 + 1000:  # blank lines aside, far too many rows
                break
    except csv.Error as error:
        raise _file_error(_("The CSV file could not be read (line %(n)s).") % {"n": len(rows) + 1}) from error
    return rows


def _cell(value: Any) -> str:
    """An XLSX cell as text. A formula stays its text (never evaluated); a date becomes ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = getattr(value, "text", None)  # array and data-table formulas
    return str(text if isinstance(text, str) else value)


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise _file_error(_("The Excel file is too large once unpacked."))
        # Formulas are read as their text (data_only=False): nothing is evaluated.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = book.worksheets[0]
            rows: list[list[str]] = []
            for values in sheet.iter_rows(values_only=True):
                rows.append([_cell(v) for v in values[:50]])
                if len(rows) > MAX_ROWS + 1 + 1000:
                    break
        finally:
            book.close()
    except ValidationFailed:
        raise
    except Exception as error:  # a damaged or foreign file: openpyxl raises many kinds
        raise _file_error(_("The Excel file could not be read. Save it again as .xlsx and try again.")) from error
    return rows


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The file's rows of text cells (the first sheet of a workbook)."""
    name = filename.lower()
    if data.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith((".xls", ".xlsm", ".numbers", ".ods")):
        raise _file_error(_("Upload a CSV file or an Excel workbook (.xlsx)."))
    return _read_csv(data)


# --- Checking rows -------------------------------------------------------------------------------


def _choice_table(name: str) -> dict[str, str]:
    """Code, English label, Chinese label (from the catalogue) and common words → code."""
    table: dict[str, str] = {}
    for value, label in CHOICES[name].choices:
        table[value.lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table[str(label).strip().lower()] = value
    table |= {word.lower(): value for word, value in WORDS.get(name, {}).items()}
    return table


def _parse_date(text: str) -> datetime.datetime:
    match = _CHINESE_DATE.match(text)
    if match:
        text = "-".join(match.groups())
    for pattern in DATE_FORMATS:
        try:
            parsed = datetime.datetime.strptime(text, pattern)
            break
        except ValueError:
            continue
    else:
        try:
            parsed = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(text) from None
    if not 1970 <= parsed.year <= 2999:
        raise ValueError(text)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@dataclass
class RowCheck:
    tables: dict[str, dict[str, str]] = field(default_factory=dict)
    default_channel: str = ""

    def choice(self, name: str, text: str) -> str:
        if name not in self.tables:
            self.tables[name] = _choice_table(name)
        found = self.tables[name].get(text.strip().lower())
        if found is None:
            raise ValidationFailed(
                {
                    name: _("“%(value)s” is not one of: %(n)s.")
                    % {"value": text[:50], "n": ", ".join(CHOICES[name].values)}
                }
            )
        return found

    def check(self, raw: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        """(values, errors): each value checked on its own, so that every bad field is named."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}

        def attempt(name: str, run: Any) -> None:
            try:
                values[name] = run()
            except ValidationFailed as error:
                for field_name, messages in error.errors.items():
                    errors[field_name if field_name in FIELDS else name] = " ".join(messages)
                values[name] = raw.get(name, "")[:200]

        def content() -> str:
            text = raw.get("content", "").strip()
            if not text:
                raise ValidationFailed({"content": _("This field is required.")})
            if len(text) > MAX_CONTENT:
                raise ValidationFailed(
                    {"content": _("Ensure this value has at most %(n)s characters.") % {"n": MAX_CONTENT}}
                )
            return text

        def channel() -> str:
            text = raw.get("channel", "").strip()
            if not text:
                if self.default_channel:
                    return self.default_channel
                raise ValidationFailed({"channel": _("This field is required.")})
            return self.choice("channel", text)

        def optional_choice(name: str, default: str = "") -> Any:
            def run() -> str:
                text = raw.get(name, "").strip()
                return self.choice(name, text) if text else default

            return run

        def tags() -> list[str]:
            return clean_tags([t for t in _TAG_SPLIT.split(raw.get("tags", "")) if t.strip()])

        def date() -> str:
            text = raw.get("date", "").strip()
            if not text:
                return ""
            try:
                return _parse_date(text).isoformat()
            except ValueError:
                raise ValidationFailed({"date": _("Enter a date as YYYY-MM-DD.")}) from None

        attempt("content", content)
        attempt("channel", channel)
        attempt("kind", optional_choice("kind", FeedbackKind.SUGGESTION))
        attempt("sentiment", optional_choice("sentiment"))
        attempt("segment", optional_choice("segment"))
        attempt("tags", tags)
        attempt("date", date)
        for name in ("customer", "company", "email"):
            values[name] = raw.get(name, "").strip()
        try:
            clean_customer(
                name=values["customer"],
                email=values["email"],
                company=values["company"],
                segment=values["segment"] if "segment" not in errors else "",
                prefix="",
            )
        except ValidationFailed as error:
            for field_name, messages in error.errors.items():
                errors[{"name": "customer"}.get(field_name, field_name)] = " ".join(messages)
        for name, text in raw.items():
            if "\x00" in text:
                errors[name] = _("This value has characters or a form that is not allowed.")
        return values, errors


def _columns(header: list[str]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, title in enumerate(header):
        name = HEADER_LOOKUP.get(_normal(title))
        if name is None:
            continue
        if name in columns.values():
            raise _file_error(_("Two columns are both read as “%(name)s”; keep one.") % {"name": name})
        columns[index] = name
    if "content" not in columns.values():
        raise _file_error(_("The first row must name the columns, with one for the content (“content” or “内容”)."))
    return columns


def parse_rows(table: list[list[str]], *, default_channel: str = "") -> list[dict[str, Any]]:
    """Every row of the table (after the header), checked: [{row, values, errors}]."""
    if not table:
        raise _file_error(_("The file is empty."))
    columns = _columns(table[0])
    checker = RowCheck(default_channel=default_channel)
    rows: list[dict[str, Any]] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise _file_error(_("The file has more than %(n)s rows; split it.") % {"n": MAX_ROWS})
        raw = {name: (cells[i] if i < len(cells) else "")[:MAX_CELL] for i, name in columns.items()}
        values, errors = checker.check(raw)
        rows.append({"row": number, "values": values, "errors": errors})
    if not rows:
        raise _file_error(_("The file has no rows under its header."))
    return rows


# --- The two steps -------------------------------------------------------------------------------


def _file_name(name: str) -> str:
    cleaned = re.sub(r"[\x00-\x1f\x7f/\\]+", "_", name or "").strip() or "upload"
    return cleaned[-200:]


def upload_import(actor: "Membership", product: Product, *, file: Any, channel: str | None = None) -> FeedbackImport:
    """Read and check the file; keep it for the preview. Only the FeedbackImport is written."""
    require(actor, "product.edit")
    if product.workspace_id != actor.workspace_id or product.deleted_at is not None:
        raise NotFound()
    default_channel = ""
    if channel:
        if channel not in FeedbackChannel.values:
            raise ValidationFailed({"channel": _("Choose one of: %(n)s.") % {"n": ", ".join(FeedbackChannel.values)}})
        default_channel = channel
    if file is None or not hasattr(file, "read"):
        raise _file_error(_("This field is required."))
    too_large = _("The file is too large: at most %(n)s MB.") % {"n": MAX_BYTES // (1024 * 1024)}
    if (file.size or 0) > MAX_BYTES:
        raise _file_error(too_large)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _file_error(too_large)
    if not data:
        raise _file_error(_("The file is empty."))
    filename = _file_name(getattr(file, "name", "") or "")
    rows = parse_rows(read_table(filename, data), default_channel=default_channel)
    with transaction.atomic():
        found = FeedbackImport.objects.create(
            workspace_id=actor.workspace_id, product=product, created_by=actor.user, filename=filename, rows=rows
        )
        record(actor, "uploaded_import", product, {"import": [None, filename], "rows": len(rows)})
    return found


@dataclass
class Summary:
    total: int
    valid: int
    invalid: int
    imported: int
    rows: list[dict[str, Any]]  # the first rows, with their errors
    error_rows: list[dict[str, Any]]  # the first rows that have errors


def summary_of(found: FeedbackImport) -> Summary:
    rows = found.rows
    bad = [r for r in rows if r["errors"]]
    return Summary(
        total=len(rows),
        valid=len(rows) - len(bad),
        invalid=len(bad),
        imported=sum(1 for r in rows if r.get("imported")),
        rows=rows[:PREVIEW_ROWS],
        error_rows=bad[:PREVIEW_ROWS],
    )


def _write_row(actor: "Membership", product: Product, values: dict[str, Any], import_id: int) -> Feedback:
    customer = None
    if values.get("customer") or values.get("email"):
        checked = clean_customer(
            name=values.get("customer", ""),
            email=values.get("email", ""),
            company=values.get("company", ""),
            segment=values.get("segment", ""),
            prefix="",
        )
        if checked:
            customer = find_or_create_customer(actor.workspace_id, **checked)
    extra: dict[str, Any] = {}
    if values.get("date"):
        extra["created_at"] = extra["updated_at"] = datetime.datetime.fromisoformat(values["date"])
    feedback = Feedback.objects.create(
        workspace_id=actor.workspace_id,
        product=product,
        channel=values["channel"],
        customer=customer,
        content=values["content"],
        kind=values.get("kind") or FeedbackKind.SUGGESTION,
        sentiment=values.get("sentiment") or "",
        tags=values.get("tags") or [],
        status=FeedbackStatus.NEW,
        **extra,
    )
    record(actor, "imported", feedback, {"import": [None, import_id]})
    return feedback


def confirm_import(actor: "Membership", found: FeedbackImport) -> Summary:
    """Write every good row, each entirely or not at all; a row that fails now is reported with its
    reason. A confirmed import cannot be confirmed again (409)."""
    require(actor, "product.edit")
    if found.workspace_id != actor.workspace_id:
        raise NotFound()
    product = Product.all_objects.filter(pk=found.product_id).first()
    if product is None or product.deleted_at is not None:
        raise ValidationFailed({"product_id": _("The product of this import was deleted.")})
    with transaction.atomic():
        claimed = FeedbackImport.objects.filter(pk=found.pk, imported_at__isnull=True).update(
            imported_at=timezone.now()
        )
        if not claimed:
            when = FeedbackImport.objects.filter(pk=found.pk).values_list("imported_at", flat=True).first()
            raise Conflict(
                _("This import was confirmed already."),
                current={"id": found.pk, "imported_at": when.isoformat() if when else None},
            )
        rows = [dict(r) for r in found.rows]
        imported = 0
        for row in rows:
            if row["errors"]:
                continue
            try:
                with transaction.atomic():
                    _write_row(actor, product, row["values"], found.pk)
            except (ValidationFailed, DatabaseError, ValueError, KeyError) as error:
                messages = error.errors if isinstance(error, ValidationFailed) else {}
                row["errors"] = {f: " ".join(m) for f, m in messages.items()} or {
                    "row": _("This row could not be saved; nothing of it was imported.")
                }
                continue
            row["imported"] = True
            imported += 1
        FeedbackImport.objects.filter(pk=found.pk).update(rows=rows)
        found.rows = rows
        found.imported_at = timezone.now()
        record(actor, "imported_feedback", product, {"import": [None, found.filename], "imported": imported})
    return summary_of(found)
