"""Every API operation × every kind of caller: the expected status, and no side effect when denied."""

import importlib
from typing import Any

import pytest
from django.apps import apps

from cadence.api import api
from conftest import ROLES
from tests.matrix import Case, call, fingerprint

PROTECTED_FIELDS = ("workspace", "workspace_id", "id", "user_id", "owner", "created_at", "deleted_at", "role_rank")


def all_cases() -> list[Case]:
    cases = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tests.access")
        except ModuleNotFoundError:
            continue
        cases.extend(module.CASES)
    return cases


CASES = all_cases()


def test_every_operation_is_declared() -> None:
    schema = api.get_openapi_schema()
    operations = {f"{m.upper()} {p.removeprefix('/api/v1')}" for p, item in schema["paths"].items() for m in item}
    declared = [c.operation for c in CASES]
    assert len(declared) == len(set(declared)), "an operation is declared twice"
    assert operations == set(declared)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.operation)
def test_access(world: Any, case: Case, role: str) -> None:
    expected = case.expect[ROLES.index(role)]
    body = case.body(world, role) if case.body else None
    before = fingerprint()
    response = call(world.client(role), case, case.url(world, role), body)
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert fingerprint() == before, "a denied request changed something"


@pytest.mark.parametrize("case", [c for c in CASES if c.foreign], ids=lambda c: c.operation)
def test_objects_of_another_workspace_are_not_found(world: Any, case: Case) -> None:
    assert case.foreign is not None
    body = case.body(world, "owner") if case.body else None
    before = fingerprint()
    response = call(world.client("owner"), case, case.url(world, "owner", case.foreign(world)), body)
    assert response.status_code == 404, response.content
    assert fingerprint() == before


@pytest.mark.parametrize("case", [c for c in CASES if c.body], ids=lambda c: c.operation)
def test_protected_fields_are_never_assigned(world: Any, case: Case) -> None:
    assert case.body is not None
    for field in PROTECTED_FIELDS:
        body = {**case.body(world, "owner"), field: world.other.pk}
        before = fingerprint()
        response = call(world.client("owner"), case, case.url(world, "owner"), body)
        assert response.status_code == 422, (field, response.content)
        assert any(e["field"] == field for e in response.json()["errors"])
        assert fingerprint() == before


@pytest.mark.parametrize("case", [c for c in CASES if c.foreign_body], ids=lambda c: c.operation)
def test_ids_of_another_workspace_in_bodies_are_refused(world: Any, case: Case) -> None:
    assert case.body is not None and case.foreign_body is not None
    for field, value in case.foreign_body(world).items():
        body = {**case.body(world, "owner"), field: value}
        before = fingerprint()
        response = call(world.client("owner"), case, case.url(world, "owner"), body)
        assert response.status_code == 422, (field, response.content)
        assert any(e["field"].startswith(field) for e in response.json()["errors"]), (field, response.content)
        assert fingerprint() == before
