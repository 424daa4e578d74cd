"""Feedback imports: CSV in UTF-8 (with or without a byte order mark) and GBK, XLSX built here with
openpyxl, English and Chinese headers and choice names; a preview that writes nothing; a confirm
that writes every good row entirely or not at all, once; oversized and malformed files refused."""

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from openpyxl import Workbook

from accounts.models import User
from core.errors import Conflict, PermissionDenied, ValidationFailed
from product.models import Customer, Feedback, FeedbackImport
from product.services import imports

MIXED = (
    "content,channel,customer,company,segment,email,kind,sentiment,tags,date\n"
    'Export to Excel,survey,Li Lei,Acme,enterprise,li@example.test,suggestion,neutral,"export, reports",2024-03-01\n'
    ",survey,No Content,,,,,,,\n"
    "Bad channel,pigeon,Bob,,,,,,,\n"
    "Bad email and kind,support,Carl,,,carl-at-example,rant,,,\n"
    "Second from Li,In-app,Li Lei,Acme,,li@example.test,Complaint,Negative,,2024/03/02\n"
    '=HYPERLINK("http://evil.test"),sales,,,,,,,,\n'
    ",,,,,,,,,\n"
)
CHINESE = (
    "内容,渠道,客户,公司,客户类型,邮箱,类型,情绪,标签,日期\n"
    "希望支持导出报表,工单,韩梅梅,莲花科技,企业,han@example.test,投诉,负面,报表，导出,2024年3月5日\n"
    "界面很好看,应用商店评论,小明,,个人,,评价,正面,,\n"
    "没有渠道的反馈,,,,,,建议,,,\n"
)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def start(world: Any, name: str, data: bytes, role: str = "owner", **kwargs: Any) -> FeedbackImport:
    return imports.upload_import(world.actor(role), world.extra["product"], file=upload(name, data), **kwargs)


def counts() -> tuple[int, int]:
    return Feedback.all_objects.count(), Customer.objects.count()


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Step 1: the preview -------------------------------------------------------------------------


def test_good_and_bad_rows_are_checked_and_nothing_is_written(world: Any) -> None:
    before = counts()
    found = start(world, "feedback.csv", MIXED.encode())
    assert counts() == before
    summary = imports.summary_of(found)
    assert (summary.total, summary.valid, summary.invalid) == (6, 3, 3)
    errors = {row["row"]: row["errors"] for row in found.rows}
    assert errors[2] == {} and errors[6] == {} and errors[7] == {}
    assert list(errors[3]) == ["content"]
    assert list(errors[4]) == ["channel"] and "pigeon" in errors[4]["channel"]
    assert set(errors[5]) == {"email", "kind"}
    first = found.rows[0]["values"]
    assert first["tags"] == ["export", "reports"] and first["segment"] == "enterprise"
    assert found.rows[4]["values"]["channel"] == "in_app" and found.rows[4]["values"]["kind"] == "complaint"
    assert [r["row"] for r in summary.error_rows] == [3, 4, 5]


def test_chinese_headers_and_choice_names(world: Any) -> None:
    found = start(world, "反馈.csv", CHINESE.encode(), channel="survey")
    values = [row["values"] for row in found.rows]
    assert [row["errors"] for row in found.rows] == [{}, {}, {}]
    assert values[0]["channel"] == "support" and values[0]["kind"] == "complaint"
    assert values[0]["sentiment"] == "negative" and values[0]["segment"] == "enterprise"
    assert values[0]["tags"] == ["报表", "导出"] and values[0]["date"].startswith("2024-03-05")
    assert values[1]["channel"] == "app_store" and values[1]["segment"] == "consumer"
    assert values[2]["channel"] == "survey"  # the default for rows without one


def test_a_row_without_channel_needs_a_default(world: Any) -> None:
    found = start(world, "反馈.csv", CHINESE.encode())
    assert found.rows[2]["errors"] == {"channel": "This field is required."}


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_chinese_excel_encodings(world: Any, encoding: str) -> None:
    found = start(world, "反馈.csv", CHINESE.encode(encoding), channel="survey")
    assert found.rows[0]["values"]["content"] == "希望支持导出报表"
    assert found.rows[0]["values"]["customer"] == "韩梅梅"


def test_semicolons_and_quoted_line_breaks(world: Any) -> None:
    text = 'content;channel\n"Line one\nline two";survey\n'
    found = start(world, "feedback.csv", text.encode())
    assert found.rows[0]["values"]["content"] == "Line one\nline two"


def test_xlsx_with_formulas_and_dates(world: Any) -> None:
    data = xlsx(
        [
            ["内容", "渠道", "客户", "日期", "Ignored column"],
            ["=1+1", "销售", "Zhang", datetime.datetime(2024, 5, 6, 10, 30), "x"],
            ["Plain", "survey", None, datetime.date(2024, 5, 7), None],
            ["@SUM(A1)", "survey", 42, None, None],
        ]
    )
    found = start(world, "feedback.xlsx", data)
    assert [r["errors"] for r in found.rows] == [{}, {}, {}]
    values = [r["values"] for r in found.rows]
    assert values[0]["content"] == "=1+1" and values[0]["channel"] == "sales"  # text, never evaluated
    assert values[0]["date"].startswith("2024-05-06T10:30")
    assert values[2]["customer"] == "42"
    imports.confirm_import(world.actor("owner"), found)
    assert Feedback.objects.filter(content="=1+1").exists()
    assert Feedback.objects.get(content="Plain").created_at.date() == datetime.date(2024, 5, 7)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("feedback.csv", b"channel,customer\nsurvey,Li\n", "one for the content"),
        ("feedback.csv", b"content\n", "no rows under its header"),
        ("feedback.csv", b"content,content\nx,y\n", "Two columns"),
        ("feedback.csv", b"\xff\xfe\x00c\x00o\x00n\x00", "UTF-8 or GBK"),
        ("feedback.csv", b"content\nA\x00B\n", "binary"),
        ("feedback.xlsx", b"PK\x03\x04not really a zip file at all", "could not be read"),
        ("feedback.xlsx", b"plain text pretending", "could not be read"),
        ("feedback.xls", b"\xd0\xcf\x11\xe0 old excel", "Upload a CSV file or an Excel workbook"),
    ],
)
def test_malformed_files_are_refused_naming_the_file(world: Any, name: str, data: bytes, message: str) -> None:
    before = counts(), FeedbackImport.objects.count()
    with pytest.raises(ValidationFailed) as info:
        start(world, name, data)
    assert list(info.value.errors) == ["file"] and message in info.value.errors["file"][0]
    assert (counts(), FeedbackImport.objects.count()) == before


def test_limits_of_size_and_rows(world: Any) -> None:
    with pytest.raises(ValidationFailed) as info:
        start(world, "big.csv", b"content\n" + b"x" * (2 * 1024 * 1024))
    assert "too large" in info.value.errors["file"][0]
    rows = "content,channel\n" + "".join(f"Row {i},survey\n" for i in range(5001))
    with pytest.raises(ValidationFailed) as info:
        start(world, "many.csv", rows.encode())
    assert "more than 5000 rows" in info.value.errors["file"][0]
    rows = "content,channel\n" + "".join(f"Row {i},survey\n" for i in range(5000))
    assert imports.summary_of(start(world, "many.csv", rows.encode())).valid == 5000


def test_guests_may_not_import(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        start(world, "feedback.csv", MIXED.encode(), role="guest")


# --- Step 2: confirm -----------------------------------------------------------------------------


def test_confirm_writes_the_good_rows_once(world: Any) -> None:
    owner = world.actor("owner")
    found = start(world, "feedback.csv", MIXED.encode())
    before = Feedback.all_objects.count()
    summary = imports.confirm_import(owner, found)
    assert summary.imported == 3 and Feedback.all_objects.count() == before + 3
    li = Customer.objects.get(identity="li@example.test")
    assert li.segment == "enterprise" and Feedback.objects.filter(customer=li).count() == 2
    imported = Feedback.objects.get(content="Export to Excel")
    assert imported.tags == ["export", "reports"] and imported.status == "new" and imported.channel == "survey"
    assert imported.created_at.date() == datetime.date(2024, 3, 1)
    assert Feedback.objects.filter(content__startswith="=HYPERLINK").exists()
    with pytest.raises(Conflict):
        imports.confirm_import(owner, FeedbackImport.objects.get(pk=found.pk))
    assert Feedback.all_objects.count() == before + 3


def test_a_row_that_fails_while_written_is_absent_entirely(world: Any, monkeypatch: Any) -> None:
    found = start(world, "feedback.csv", MIXED.encode())
    real_record = imports.record

    def failing(actor: Any, verb: str, target: Any, *args: Any, **kwargs: Any) -> Any:
        if verb == "imported" and target.content == "Second from Li":
            raise DatabaseError("disk full")
        return real_record(actor, verb, target, *args, **kwargs)

    monkeypatch.setattr(imports, "record", failing)
    # Li Lei's customer row is made by row 2 already; make row 6 bring its own new customer to see it
    # rolled back with the row.
    rows = [dict(r) for r in found.rows]
    rows[4]["values"] = {**rows[4]["values"], "email": "new.person@example.test", "customer": "New Person"}
    FeedbackImport.objects.filter(pk=found.pk).update(rows=rows)
    found.refresh_from_db()
    summary = imports.confirm_import(world.actor("owner"), found)
    assert summary.imported == 2
    assert not Feedback.all_objects.filter(content="Second from Li").exists()
    assert not Customer.objects.filter(identity="new.person@example.test").exists()
    report = {r["row"]: r for r in FeedbackImport.objects.get(pk=found.pk).rows}
    assert "row" in report[6]["errors"] and not report[6].get("imported")
    assert report[2]["imported"] and report[7]["imported"]


# --- Over HTTP -----------------------------------------------------------------------------------


def test_the_api_preview_confirm_and_conflict(world: Any) -> None:
    client = world.client("member")
    url = f"/api/v1/workspaces/acme/products/{world.extra['product'].pk}/feedback-imports"
    response = client.post(url, {"file": upload("feedback.csv", MIXED.encode())})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total"], body["valid"], body["invalid"], body["imported"]) == (6, 3, 3, 0)
    assert [r["row"] for r in body["error_rows"]] == [3, 4, 5] and len(body["rows"]) == 6
    preview = client.get(f"/api/v1/workspaces/acme/feedback-imports/{body['id']}").json()
    assert preview["imported_at"] is None
    response = client.post(f"/api/v1/workspaces/acme/feedback-imports/{body['id']}/confirm")
    assert response.status_code == 200 and response.json()["imported"] == 3
    response = client.post(f"/api/v1/workspaces/acme/feedback-imports/{body['id']}/confirm")
    assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"
    response = client.post(url, {"file": upload("feedback.csv", MIXED.encode()), "extra": "x"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "extra"
    response = client.post(url, {"file": upload("feedback.csv", b"")})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"
    response = client.post(url, {"file": upload("x.csv", CHINESE.encode("gbk")), "channel": "pigeon"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "channel"


def test_the_pages_upload_preview_and_confirm(world: Any) -> None:
    User.objects.filter(pk=world.users["member"].pk).update(language="en")
    client = Client()
    client.force_login(world.users["member"])
    assert client.get("/w/acme/feedback/import/").status_code == 200
    response = client.post(
        "/w/acme/feedback/import/",
        {"product_id": world.extra["product"].pk, "file": upload("反馈.csv", CHINESE.encode("gbk")), "channel": ""},
    )
    found = FeedbackImport.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == f"/w/acme/feedback/imports/{found.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "希望支持导出报表" in html and "Rows with errors" in html and "This field is required." in html
    response = client.post(f"/w/acme/feedback/imports/{found.pk}/confirm/", follow=True)
    assert "2 feedback items were imported." in response.content.decode()
    assert Feedback.objects.filter(content="界面很好看").exists()
    assert client.post(f"/w/acme/feedback/imports/{found.pk}/confirm/").status_code == 409
    response = client.post(
        "/w/acme/feedback/import/", {"product_id": world.extra["product"].pk, "file": upload("x.csv", b"content\n")}
    )
    assert response.status_code == 422 and "no rows under its header" in response.content.decode()
    guest = Client()
    guest.force_login(world.users["guest"])
    assert guest.get("/w/acme/feedback/import/").status_code == 403
    assert guest.get(f"/w/acme/feedback/imports/{found.pk}/").status_code == 403
