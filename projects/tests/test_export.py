"""Exports: the filtered list as CSV or XLSX, with formula characters neutralised (SECURITY.md rule 8)."""

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from core import export as files
from projects.models import Priority
from projects.services import items

EXPORT = "/w/acme/projects/WEB/items/export/"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n", "\0"])
def test_formula_starts_get_a_quote(start: str) -> None:
    assert files.safe_cell(start + "1+1") == "'" + start + "1+1"


@pytest.mark.parametrize("value", ["Plain", " =not first", "", "a=b", 3, None, 1.5])
def test_other_values_pass(value: Any) -> None:
    assert files.safe_cell(value) == value


def client_for(world: Any, role: str = "owner") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_csv_follows_the_filters_and_escapes(world: Any) -> None:
    owner, project = world.actor("owner"), world.extra["project"]
    items.create_item(
        owner, project, title='=HYPERLINK("http://evil.test","x")', priority=Priority.URGENT, tags=["@tag"]
    )
    items.create_item(owner, project, title="-2+3", priority=Priority.URGENT)
    response = client_for(world).get(EXPORT, {"format": "csv", "priority": "urgent", "sort": "oldest"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="WEB-items.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert [r[0] for r in rows[1:]] == ["WEB-4", "WEB-5"]
    assert rows[1][2] == '\'=HYPERLINK("http://evil.test","x")' and rows[2][2] == "'-2+3"
    assert rows[1][13] == "'@tag"


def test_xlsx_holds_the_same_rows(world: Any) -> None:
    owner, project = world.actor("owner"), world.extra["project"]
    items.create_item(owner, project, title="+cmd|' /C calc'!A0", points=3)
    response = client_for(world).get(EXPORT, {"format": "xlsx", "q": "cmd"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "WEB-4" and rows[1][2] == "'+cmd|' /C calc'!A0" and rows[1][6] == 3
    assert sheet.cell(row=2, column=3).data_type == "s"


def test_rows_are_capped(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(files, "MAX_ROWS", 2)
    response = client_for(world).get(EXPORT, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4 and response["X-Export-Truncated"] == "2"
    assert "2" in rows[-1][0]


def test_same_permissions_as_the_list(world: Any) -> None:
    assert client_for(world, "guest").get(EXPORT).status_code == 200
    assert client_for(world, "outsider").get(EXPORT).status_code == 404
    assert client_for(world).get(EXPORT, {"format": "pdf"}).status_code == 422
    assert client_for(world).get(EXPORT, {"priority": "whenever"}).status_code == 422
    assert client_for(world).get("/w/acme/projects/SEC/items/export/").status_code == 404
