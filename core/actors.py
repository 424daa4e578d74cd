"""Who acts, as core sees it: a person in one workspace, with a role. accounts keeps the real one
(`Membership`) and, in AccountsConfig.ready(), gives core the directory that finds it, so that
core imports no app."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class Workspace(Protocol):
    @property
    def slug(self) -> str: ...


class Actor(Protocol):
    """What core reads of an actor (read-only, so that accounts' model satisfies it)."""

    @property
    def pk(self) -> Any: ...
    @property
    def workspace_id(self) -> int: ...
    @property
    def workspace(self) -> Workspace: ...
    @property
    def user_id(self) -> int: ...
    @property
    def user(self) -> Any: ...  # an instance of settings.AUTH_USER_MODEL, a model core does not name
    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class Directory:
    """What core asks of the app that keeps people."""

    # The user's active membership in the workspace with this slug; NotFound otherwise (anonymous too).
    actor_in: Callable[[Any, str], Actor]
    # The workspace's active members (with their user) who have these usernames.
    members_named: Callable[[int, set[str]], list[Any]]


_directory: Directory | None = None


def provide(directory: Directory) -> None:
    global _directory
    _directory = directory


def _provided() -> Directory:
    if _directory is None:
        raise ImproperlyConfigured("No app provides core's directory of people: accounts does, in its ready().")
    return _directory


def actor_in(user: Any, workspace_slug: str) -> Actor:
    return _provided().actor_in(user, workspace_slug)


def members_named(workspace_id: int, usernames: set[str]) -> list[Any]:
    return _provided().members_named(workspace_id, usernames)
