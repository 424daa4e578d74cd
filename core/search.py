"""Finding objects by key or by words of their title: the command palette and the pickers.

A type takes part by declaring a `Search` on its core.registry.ObjectType (in its app's
registration); this module knows no app. Each searched type costs at most two queries whatever the
number of results: its `lookup` of an exact key (only when the text could be one) and one read of
`limit` rows as plain values, newest first, bounded by the workspace and what the actor may see.
On PostgreSQL a trigram index on each searched title keeps the word match off a scan of the table
(core.migrations.0009_search_trigram and each app's own).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.actors import Actor
from core.errors import ValidationFailed
from core.permissions import can

MAX_LIMIT = 20
DEFAULT_LIMIT = 8
MAX_QUERY = 100
MAX_WORDS = 5
# Keys are one word of letters and digits with an optional number: "APP-12", "REQ-4", "APP".
_KEY_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}(-[0-9]{1,9})?$")

Row = dict[str, Any]


@dataclass(frozen=True)
class Search:
    """How a type's objects are found and shown. Fields are paths on the type's model, read with
    `.values()`; the rows go to `url`, `key` and `describe`."""

    label: Any  # the type's name for people, translatable ("Work item")
    title: str  # the field shown as the result's title; each word of the text must be in it or in `fields`
    url: Callable[[str, Row], str]  # (workspace slug, row) → the object's page
    fields: tuple[str, ...] = ()  # more fields a word may be found in
    subtitle: str | None = None  # a field shown under the title
    read: tuple[str, ...] = ()  # more fields that `url`, `key` or `describe` need
    key: Callable[[Row], str] | None = None  # the human key shown ("APP-12")
    # Replaces the word match (people: name, username, email, pinyin), given the whole text.
    match: Callable[[str], Q] | None = None
    # Replaces (title, subtitle) read from the row (a person's name falls back to the username).
    describe: Callable[[Row], tuple[str, str]] | None = None
    value: str = "pk"  # the field a form takes for the object (people: the user's id)
    alive: Q = field(default_factory=Q)  # besides the default manager's: what is in the trash by its parent
    updated: str = "updated_at"  # the newest first among equals


def searchable_types() -> list[Any]:
    from core.registry import all_types

    return [t for t in all_types() if t.search is not None]


def types_pattern() -> str:
    """`types` as the schema says it: a comma-separated list of the searchable types' names (the
    apps have registered their types when the API is built)."""
    from core.registry import all_types

    names = "|".join(sorted(t.name for t in all_types() if t.search is not None))
    return rf"^({names})(,({names}))*$" if names else r"^[a-z_,]*$"


def check_request(q: str, types: str | None, limit: int | None) -> tuple[str, list[Any], int]:
    """The text, the types and the limit of a search, or ValidationFailed naming the field."""
    from core.registry import all_types

    q = " ".join((q or "").split())
    if len(q) > MAX_QUERY or "\x00" in q:
        raise ValidationFailed({"q": _("Use at most %(max)s characters.") % {"max": MAX_QUERY}})
    if limit is None:
        limit = DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed({"limit": _("Must be between 1 and %(max)s.") % {"max": MAX_LIMIT}})
    by_name = {t.name: t for t in all_types() if t.search is not None}
    if not types:
        return q, list(by_name.values()), limit
    names = [n.strip() for n in types.split(",") if n.strip()]
    unknown = [n for n in names if n not in by_name]
    if unknown or not names:
        message = ngettext(
            "Not a searchable type: %(names)s. Choose from: %(choices)s.",
            "Not searchable types: %(names)s. Choose from: %(choices)s.",
            len(unknown) or 1,
        ) % {"names": ", ".join(unknown[:5]) or "-", "choices": ", ".join(sorted(by_name))}
        raise ValidationFailed({"types": message})
    return q, [by_name[n] for n in dict.fromkeys(names)], limit


def _words_match(search: Search, q: str) -> Q:
    found = Q()
    for word in q.split()[:MAX_WORDS]:
        any_field = Q(**{f"{search.title}__icontains": word})
        for name in search.fields:
            any_field |= Q(**{f"{name}__icontains": word})
        found &= any_field
    return found


def _rows(actor: Actor, object_type: Any, q: str, limit: int) -> list[tuple[int, Row]]:
    """(rank, row) of one type: 0 for the object with the key `q`, 1 for a title starting with it,
    2 for the others; at most `limit`, the newest first."""
    search: Search = object_type.search
    key_id = None
    if object_type.lookup is not None and _KEY_LIKE.match(q):
        key_id = object_type.lookup(actor, q)
    found = search.match(q) if search.match is not None else _words_match(search, q)
    if key_id is not None:
        found |= Q(pk=key_id)
    qs = object_type.visible(actor, object_type.model._default_manager.filter(search.alive))
    fields = {"pk", search.value, search.title, search.updated, *search.read}
    if search.subtitle:
        fields.add(search.subtitle)
    qs = qs.filter(found).order_by(f"-{search.updated}", "-pk").values(*fields)
    if key_id is not None:  # the key's object first, wherever it falls in time
        qs = qs.annotate(_exact=models.Case(models.When(pk=key_id, then=1), default=0)).order_by(
            "-_exact", f"-{search.updated}", "-pk"
        )
    folded = q.casefold()
    ranked = []
    for row in qs[:limit]:
        title = str(row[search.title] or "")
        rank = 0 if row["pk"] == key_id else 1 if title.casefold().startswith(folded) else 2
        ranked.append((rank, row))
    return ranked


def _result(object_type: Any, slug: str, row: Row) -> dict[str, Any]:
    search: Search = object_type.search
    if search.describe is not None:
        title, subtitle = search.describe(row)
    else:
        title = str(row[search.title] or "")
        subtitle = str(row[search.subtitle] or "") if search.subtitle else ""
    return {
        "type": object_type.name,
        "typeLabel": str(search.label),
        "id": row["pk"],
        "value": row[search.value],
        "key": search.key(row) if search.key else None,
        "title": title[:200],
        "subtitle": subtitle[:200],
        "url": search.url(slug, row),
    }


def search(actor: Actor, q: str, object_types: list[Any], *, limit: int = DEFAULT_LIMIT) -> list[dict[str, Any]]:
    """What the actor may see of `object_types` matching `q`: the object with the key first, then
    titles starting with the text, then the most recently updated; at most `limit`. Types the
    actor may not view are skipped (no query)."""
    if not q:
        return []
    found: list[tuple[int, Any, int, Any, Row]] = []
    for order, object_type in enumerate(object_types):
        if not can(actor, object_type.view_capability):
            continue
        for rank, row in _rows(actor, object_type, q, limit):
            found.append((rank, -row[object_type.search.updated].timestamp(), order, object_type, row))
    found.sort(key=lambda f: f[:3])
    slug = actor.workspace.slug
    return [_result(object_type, slug, row) for _rank, _when, _order, object_type, row in found[:limit]]


def trigram_index(name: str, table: str, column: str) -> Any:
    """The migration operation that makes `column icontains word` an index search on PostgreSQL: a
    pg_trgm GIN index on UPPER(column), the expression Django's icontains compares there. SQLite has
    no such index and scans the workspace's rows (in recency order, stopping at the limit)."""
    from django.db import migrations

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin (UPPER({column}::text) gin_trgm_ops)")

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop, elidable=False)
