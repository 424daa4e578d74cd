"""Object types that the shared behaviour (history, comments, watchers, links, trash) works on.

Each app registers its types in its AppConfig's register(); the shared endpoints find them by name,
so a new module gets comments, watchers, history and trash by declaring itself here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from core.actors import Actor
from core.errors import NotFound
from core.permissions import can
from core.search import Search


def _same_workspace(actor: Actor, qs: models.QuerySet) -> models.QuerySet:
    return qs.filter(workspace_id=actor.workspace_id)


@dataclass(frozen=True)
class Deadline:
    """Owned, due, open: the type's objects have an owner who must finish them by a due date.
    notify's reminder scan tells the owner before the date and when it has passed, and the owner's
    department head when it has long passed, for every type that declares one; the message names
    the object with its type's label and links to its web_url. Its events are the type's own,
    `<type>.due_soon`, `<type>.overdue` and `<type>.escalated`, declared by the type's app."""

    # What counts as open, on the type's model (it may follow relations): an object that is not,
    # or is in the trash, is not reminded.
    open: models.Q
    # The index the scan finds the open objects due in a range of dates from: (workspace, the
    # fields `open` compares on the type's own table for equality, the due date). A test holds
    # each declared type to it through the query plan.
    index: str
    owner: str = "owner"
    due: str = "due_date"
    # Relations read with the objects told about, for their label and URL.
    read_with: tuple[str, ...] = ()
    # Starts the keys that make each reminder once only. Work items' keys had no scope before
    # other types had reminders and keep none, so nothing told is told again.
    key_scope: str | None = None  # None: "<type name>:"
    # The page where an owner brings their open objects up to date. With it, the weekly check-in
    # counts the type's open objects (due or not) for each owner and links there.
    checkin_url: Callable[[Any], str] | None = None  # of the workspace


@dataclass(frozen=True)
class ObjectType:
    name: str
    model: type[models.Model]
    view_capability: str
    edit_capability: str
    # Narrows a queryset to the rows this actor may see (beyond the capability). The callbacks get the
    # actor core was given, the app's own type (accounts' Membership), hence Any.
    visible: Callable[[Any, models.QuerySet], models.QuerySet] = field(default=_same_workspace)
    web_url: Callable[[Any], str] | None = None
    # Runs in the restore's transaction, after the object is back (recount what it feeds).
    on_restore: Callable[[Any, Any], None] | None = None
    deadline: Deadline | None = None
    # The id of the object with this human key ("WEB-12", "REQ-4") in the actor's workspace, or None:
    # links name their target by key where its type has one.
    lookup: Callable[[Any, str], int | None] | None = None
    # How the palette and the pickers find the type's objects (core.search); None: not searched.
    search: Search | None = None

    def label(self, obj: Any) -> str:
        return str(obj)[:200]


_types: dict[str, ObjectType] = {}
_by_model: dict[type[models.Model], ObjectType] = {}


def register(object_type: ObjectType) -> None:
    _types[object_type.name] = object_type
    _by_model[object_type.model] = object_type


def all_types() -> list[ObjectType]:
    return list(_types.values())


def deadline_types() -> list[ObjectType]:
    """The types whose objects are reminded of their due dates."""
    return [t for t in _types.values() if t.deadline is not None]


def type_names() -> list[str]:
    return sorted(_types)


def get_type(name: str) -> ObjectType:
    try:
        return _types[name]
    except KeyError:
        raise NotFound() from None


def type_of(obj: models.Model) -> ObjectType:
    return _by_model[type(obj)]


def load_visible(actor: Actor, type_name: str, object_id: int, *, deleted: bool = False) -> Any:
    """The object if it exists in the actor's workspace and the actor may see it; else NotFound."""
    object_type = get_type(type_name)
    if not can(actor, object_type.view_capability):
        raise NotFound()
    manager = object_type.model.all_objects if deleted else object_type.model._default_manager  # type: ignore[attr-defined]
    qs = object_type.visible(actor, manager.filter(pk=object_id))
    if deleted:
        qs = qs.filter(deleted_at__isnull=False)
    obj = qs.first()
    if obj is None:
        raise NotFound()
    return obj
