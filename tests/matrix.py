"""The access matrix: every API operation, declared once per app in `<app>/tests/access.py`,
called by every kind of caller. A new endpoint joins by adding one Case to its app's list."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from accounts.models import ApiToken
from core.models import ScheduledRun, Throttle

# Expected statuses, in the order of conftest.ROLES:
#                 anon outsider outsider_owner removed guest member admin owner


def signed_in(ok: int) -> tuple[int, ...]:
    return (401, ok, ok, ok, ok, ok, ok, ok)


def in_workspace(ok: int) -> tuple[int, ...]:
    return (401, 404, 404, 404, ok, ok, ok, ok)


def members_only(ok: int, guest: int = 403) -> tuple[int, ...]:
    return (401, 404, 404, 404, guest, ok, ok, ok)


def staff_only(ok: int) -> tuple[int, ...]:
    return (401, 404, 404, 404, 403, 403, ok, ok)


Builder = Callable[[Any, str], dict[str, Any]]


def _none(world: Any, role: str) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # as in the OpenAPI description, relative to /api/v1
    expect: tuple[int, ...]
    params: Builder = _none  # path parameters besides {workspace}
    body: Builder | None = None
    # Path parameters naming another workspace's object: the owner of acme must get 404.
    foreign: Callable[[Any], dict[str, Any]] | None = None
    # Body fields naming another workspace's objects (SECURITY.md rule 1): the owner of acme must get
    # 422 naming each field, and nothing changes.
    foreign_body: Callable[[Any], dict[str, Any]] | None = None
    # The body is sent as multipart/form-data (file uploads), not JSON.
    multipart: bool = False

    @property
    def operation(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, world: Any, role: str, params: dict[str, Any] | None = None) -> str:
        values = {"workspace": world.acme.slug, **(params if params is not None else self.params(world, role))}
        return "/api/v1" + self.path.format(**values)


def call(client: Any, case: Case, url: str, body: dict[str, Any] | None) -> Any:
    method = getattr(client, case.method.lower())
    if body is None:
        return method(url)
    if case.multipart:
        return method(url, body)
    return method(url, body, content_type="application/json")


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever happens inside is undone at the end (a savepoint in the test's transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# What a refused request may write: sign-in throttling counts refusals (that is its job), periodic
# jobs record their runs (the fingerprint this detector replaced ignored these two models), and
# signing in with a token notes when it was last used.
REFUSAL_MAY_WRITE = frozenset({Throttle._meta.db_table, ScheduledRun._meta.db_table})
REFUSAL_MAY_UPDATE = {ApiToken._meta.db_table: frozenset({"last_used_at"})}
WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
UPDATED_COLUMNS = re.compile(r'^\s*UPDATE\s+"?\w+"?\s+SET\s+(.*?)\s+WHERE\s', re.IGNORECASE | re.DOTALL)
ASSIGNED_COLUMN = re.compile(r'(?:^|,\s*)"?(\w+)"?\s*=')


def may_write(sql: str) -> bool:
    """Whether a refused request may run this statement: not a write, or one of the allowed ones."""
    write = WRITE.match(sql)
    if write is None or write.group(1) in REFUSAL_MAY_WRITE:
        return True
    update = UPDATED_COLUMNS.match(sql)
    columns = set(ASSIGNED_COLUMN.findall(update.group(1))) if update else set()
    return bool(columns) and columns <= REFUSAL_MAY_UPDATE.get(write.group(1), frozenset())


@contextmanager
def no_writes(what: str = "a refused request") -> Iterator[None]:
    """Fails if anything inside writes to the database (INSERT, UPDATE or DELETE) beyond what a
    refused request may write, naming `what` and each statement."""
    writes: list[str] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not may_write(sql):
            writes.append(f"{sql} {params!r}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield
    assert not writes, f"{what} wrote to the database:\n" + "\n".join(writes)
