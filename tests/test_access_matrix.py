"""Every API operation × every kind of caller: the expected status, and no side effect when denied."""

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import ApiToken, Department
from cadence.api import api
from conftest import ROLES
from core import services as core
from core.models import Throttle
from core.modules import cadence_apps
from tests.matrix import Case, call, no_writes, rolled_back

PROTECTED_FIELDS = ("workspace", "workspace_id", "id", "user_id", "owner", "created_at", "deleted_at", "role_rank")


def all_cases() -> list[Case]:
    """Every app's operations, from the access cases it declares (core.modules)."""
    cases = []
    for config in cadence_apps():
        module = config.part("test_access")
        if module is not None:
            cases.extend(module.CASES)
    return cases


CASES = all_cases()


def test_every_operation_is_declared() -> None:
    schema = api.get_openapi_schema()
    operations = {f"{m.upper()} {p.removeprefix('/api/v1')}" for p, item in schema["paths"].items() for m in item}
    declared = [c.operation for c in CASES]
    assert len(declared) == len(set(declared)), "an operation is declared twice"
    assert operations == set(declared)


def check_each(operation: str, kind: str, attempts: Iterable[Any], check: Callable[[Any], None]) -> None:
    """Runs `check` for every attempt, each from the world as built (what one attempt changed is
    rolled back before the next), and fails naming the operation and every attempt that failed."""
    failures = []
    for attempt in attempts:
        try:
            with rolled_back():
                check(attempt)
        except AssertionError as failure:
            failures.append(f"{operation}, {kind} {attempt}: {failure}")
        except Exception as error:
            error.add_note(f"while checking {operation}, {kind} {attempt}")
            raise
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.operation)
def test_access(fresh_world: Callable[[], Any], case: Case) -> None:
    """Each caller, from the world as built: the expected status, and no write when refused."""

    def check(role: str) -> None:
        world = fresh_world()
        expected = case.expect[ROLES.index(role)]
        body = case.body(world, role) if case.body else None
        with no_writes() if expected >= 400 else nullcontext():
            response = call(world.client(role), case, case.url(world, role), body)
        assert response.status_code == expected, response.content
        if expected >= 400:
            assert response["Content-Type"] == "application/problem+json"

    check_each(case.operation, "caller", ROLES, check)


@pytest.mark.parametrize("case", [c for c in CASES if c.foreign], ids=lambda c: c.operation)
def test_objects_of_another_workspace_are_not_found(world: Any, case: Case) -> None:
    assert case.foreign is not None
    body = case.body(world, "owner") if case.body else None
    with no_writes():
        response = call(world.client("owner"), case, case.url(world, "owner", case.foreign(world)), body)
    assert response.status_code == 404, response.content


@pytest.mark.parametrize("case", [c for c in CASES if c.body], ids=lambda c: c.operation)
def test_protected_fields_are_never_assigned(fresh_world: Callable[[], Any], case: Case) -> None:
    assert case.body is not None

    def check(field: str) -> None:
        assert case.body is not None
        world = fresh_world()
        body = {**case.body(world, "owner"), field: world.other.pk}
        with no_writes():
            response = call(world.client("owner"), case, case.url(world, "owner"), body)
        assert response.status_code == 422, response.content
        assert any(e["field"] == field for e in response.json()["errors"]), response.content

    check_each(case.operation, "field", PROTECTED_FIELDS, check)


@pytest.mark.parametrize("case", [c for c in CASES if c.foreign_body], ids=lambda c: c.operation)
def test_ids_of_another_workspace_in_bodies_are_refused(world: Any, fresh_world: Callable[[], Any], case: Case) -> None:
    assert case.body is not None and case.foreign_body is not None

    def check(field: str) -> None:
        assert case.body is not None and case.foreign_body is not None
        world = fresh_world()
        body = {**case.body(world, "owner"), field: case.foreign_body(world)[field]}
        with no_writes():
            response = call(world.client("owner"), case, case.url(world, "owner"), body)
        assert response.status_code == 422, response.content
        assert any(e["field"].startswith(field) for e in response.json()["errors"]), response.content

    check_each(case.operation, "field", case.foreign_body(world), check)


def test_a_write_during_a_refused_call_is_caught(world: Any) -> None:
    """The detector itself: a write inside `no_writes` fails, naming the SQL; the allowed ones do not."""
    department, token = Department.objects.filter(pk=world.department.pk), world.spare_tokens["owner"]
    with pytest.raises(AssertionError, match='UPDATE "accounts_department"'), no_writes():
        department.update(name="Changed")
    with pytest.raises(AssertionError, match='INSERT INTO "core_comment"'), no_writes():
        core.add_comment(world.actor("member"), target_type="department", target_id=world.department.pk, body="x")
    with pytest.raises(AssertionError, match='DELETE FROM "accounts_apitoken"'), no_writes():
        ApiToken.objects.filter(pk=token.pk).delete()
    with pytest.raises(AssertionError, match='"revoked_at"'), no_writes():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now(), revoked_at=timezone.now())
    with no_writes():
        assert department.count() == 1
        Throttle.objects.create(key="test")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


def test_a_failed_check_names_the_operation_and_each_failing_attempt(db: Any) -> None:
    def check(role: str) -> None:
        assert role != "guest", "refused"

    with pytest.raises(AssertionError, match="GET /x, caller guest: refused") as failed:
        check_each("GET /x", "caller", ROLES, check)
    assert "owner" not in str(failed.value)
