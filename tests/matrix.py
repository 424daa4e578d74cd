"""The access matrix: every API operation, declared once per app in `<app>/tests/access.py`,
called by every kind of caller. A new endpoint joins by adding one Case to its app's list."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

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


APPS = {"core", "accounts", "projects", "sprints", "notify", "product", "goals"}


def fingerprint() -> tuple[Any, ...]:
    """A cheap summary of everything a request could change: counts, versions, deletions."""
    from django.apps import apps

    summary: list[Any] = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__ in {"Throttle", "ScheduledRun"}:
            continue
        names = {f.name for f in model._meta.get_fields()}
        aggregates: dict[str, Any] = {"n": models.Count("pk")}
        if "version" in names:
            aggregates["v"] = models.Sum("version")
        for flag in ("deleted_at", "removed_at", "revoked_at", "accepted_at", "read_at"):
            if flag in names:
                aggregates[flag] = models.Count(flag)
        if "password" in names:
            aggregates["pw"] = models.Max("password")
        summary.append((model.__name__, model._base_manager.aggregate(**aggregates)))
    return tuple(summary)
