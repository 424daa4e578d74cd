"""Exports of requirements and feedback: formula characters neutralised in CSV and XLSX (SECURITY.md
rule 8), the list's filters and permissions, streamed CSV, and the row cap."""

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from core import export as files
from product.models import Feedback, Requirement
from product.queries import export
from product.services import feedback, requirements

FEEDBACK = "/w/acme/feedback/export/"
REQUIREMENTS = "/w/acme/requirements/export/"
STARTS = ["=", "+", "-", "@", "\t", "\r", "\n", "\0"]


def client_for(world: Any, role: str = "owner") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body_of(response).decode("utf-8-sig"), newline="")))


def xlsx_rows(response: Any) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(body_of(response))).active.iter_rows(values_only=True))


def stored_starts() -> list[str]:
    """PostgreSQL text cannot hold NUL at all (test_the_writers_quote_every_cell covers it)."""
    return [s for s in STARTS if s != "\0" or connection.vendor != "postgresql"]


def dangerous(world: Any) -> list[Feedback]:
    """Feedback whose content starts with each formula character (stored as-is, past the services'
    trimming, as any text could arrive through an older import or the database)."""
    made = []
    for i, start in enumerate(stored_starts()):
        item = feedback.create_feedback(
            world.actor("owner"),
            product_id=world.extra["product"].pk,
            content=f"cell {i}",
            channel="survey",
            tags=["formula"],
        )
        Feedback.objects.filter(pk=item.pk).update(content=f"{start}cmd|' /C calc'!A{i}")
        made.append(item)
    return made


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_formula_start_is_quoted(world: Any, kind: str) -> None:
    made = dangerous(world)
    response = client_for(world).get(FEEDBACK, {"format": kind, "tag": "formula"})
    assert response.status_code == 200
    rows = csv_rows(response) if kind == "csv" else xlsx_rows(response)
    header, data = rows[0], rows[1:]
    content = header.index("Content")
    by_id = {int(row[0]): row[content] for row in data}
    assert set(by_id) == {item.pk for item in made}
    for i, (item, start) in enumerate(zip(made, stored_starts(), strict=True)):
        expected = f"'{start}cmd|' /C calc'!A{i}"
        if kind == "xlsx":
            # XML cannot hold NUL and reads CR as LF; the quote stays first.
            expected = expected.replace("\0", "").replace("\r", "\n")
        assert by_id[item.pk] == expected


@pytest.mark.parametrize("start", STARTS)
def test_the_writers_quote_every_cell(start: str) -> None:
    table = export.Export("t", [start + "Header"], [[start + "x", 3, None]], truncated=False)
    text = b"".join(export.csv_chunks(table)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][0] == "'" + start + "Header" and rows[1][0] == "'" + start + "x" and rows[1][1] == "3"
    table = export.Export("t", [start + "Header"], [[start + "x", 3, None]], truncated=False)
    sheet = load_workbook(io.BytesIO(export.to_xlsx(table, "Sheet"))).active
    assert sheet.cell(row=2, column=1).value == ("'" + start + "x").replace("\0", "").replace("\r", "\n")
    assert sheet.cell(row=2, column=1).data_type == "s" and sheet.cell(row=2, column=2).value == 3


def test_feedback_export_follows_the_filters(world: Any) -> None:
    feedback.create_feedback(
        world.actor("owner"),
        product_id=world.extra["product"].pk,
        content="-1 star, crashes",
        channel="app_store",
        kind="complaint",
        customer_name="@mallory",
        customer_company="=evil()",
    )
    response = client_for(world).get(FEEDBACK, {"format": "csv", "kind": "complaint"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert 'filename="feedback.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Content"] == "'-1 star, crashes" and row["Customer"] == "'@mallory" and row["Company"] == "'=evil()"
    assert row["Channel"] == "App-store review" and row["Kind"] == "Complaint"
    response = client_for(world).get(FEEDBACK, {"format": "csv", "requirement": "REQ-1"})
    rows = csv_rows(response)
    assert [r[0] for r in rows[1:]] == [str(world.extra["feedback"].pk)]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Requirements"] == "REQ-1" and row["Segment"] == "Enterprise" and row["Tags"] == "login"


def test_requirement_export_has_every_input_and_follows_the_filters(world: Any) -> None:
    owner = world.actor("owner")
    requirements.create_requirement(owner, world.extra["product"], title="=cmd|' /C calc'!A0", tags=["+x"])
    response = client_for(world).get(REQUIREMENTS, {"format": "xlsx", "sort": "key"})
    assert response.status_code == 200 and response["Content-Type"] == files.XLSX_TYPE
    rows = xlsx_rows(response)
    header = rows[0]
    for column in (
        "Key",
        "Score",
        "Reach",
        "Impact",
        "Confidence",
        "Effort (person-months)",
        "Job size",
        "Feedback",
        "Customers",
        "Kano category",
    ):
        assert column in header
    data = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [r["Key"] for r in data] == ["REQ-1", "REQ-2", "REQ-3"]
    assert data[0]["Reach"] == 1000 and data[0]["Feedback"] == 1 and data[0]["Customers"] == 1
    assert data[0]["Score"] == pytest.approx(Requirement.objects.get(number=1, workspace=world.acme).score, abs=0.01)
    assert data[2]["Title"] == "'=cmd|' /C calc'!A0" and data[2]["Tags"] == "'+x"
    response = client_for(world).get(REQUIREMENTS, {"format": "csv", "text": "dark"})
    assert [r[0] for r in csv_rows(response)[1:]] == ["REQ-2"]
    response = world.client("owner").get("/api/v1/workspaces/acme/requirements/export", {"text": "dark"})
    assert response.status_code == 200 and [r[0] for r in csv_rows(response)[1:]] == ["REQ-2"]


def test_rows_are_capped(world: Any, monkeypatch: Any) -> None:
    from core import export as cells

    monkeypatch.setattr(cells, "MAX_ROWS", 1)
    response = client_for(world).get(FEEDBACK, {"format": "csv"})
    rows = csv_rows(response)
    assert len(rows) == 3 and response["X-Export-Truncated"] == "1"
    response = client_for(world).get(REQUIREMENTS, {"format": "xlsx"})
    assert len(xlsx_rows(response)) == 3 and response["X-Export-Truncated"] == "1"


def test_same_permissions_as_the_pages(world: Any) -> None:
    for url in (FEEDBACK, REQUIREMENTS):
        assert client_for(world, "member").get(url).status_code == 200
        assert client_for(world, "guest").get(url).status_code == 403
        assert client_for(world, "outsider").get(url).status_code == 404
        assert client_for(world).get(url, {"format": "pdf"}).status_code == 422
    assert client_for(world).get(FEEDBACK, {"status": "whenever"}).status_code == 422
    assert client_for(world).get(REQUIREMENTS, {"sort": "password"}).status_code == 422
    api = "/api/v1/workspaces/acme/feedback/export"
    assert world.client("guest").get(api).status_code == 403
    assert world.client("outsider").get(api).status_code == 404
    assert world.client("owner").get(api, {"format": "pdf"}).status_code == 422
    # Another workspace's feedback never appears.
    rows = csv_rows(world.client("owner").get(api))
    assert str(world.extra["other_feedback"].pk) not in [r[0] for r in rows[1:]]
    assert len(rows) == 3
