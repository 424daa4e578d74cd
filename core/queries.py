"""Shared reads: the activity feed, an object's history, comments, watchers, links and the trash."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

from core.actors import Actor
from core.errors import NotFound
from core.links import get_kind
from core.models import Activity, Comment, Link, TrashItem, Watcher
from core.pagination import Page, paginate
from core.permissions import can, require
from core.registry import ObjectType, all_types, get_type, load_visible


def feed_for(
    actor: Actor, *, actor_id: int | None = None, verb: str | None = None, target_type: str | None = None
) -> models.QuerySet[Activity]:
    require(actor, "activity.view")
    qs = Activity.objects.filter(workspace_id=actor.workspace_id).select_related("actor")
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if verb:
        qs = qs.filter(verb=verb)
    if target_type:
        qs = qs.filter(target_type=target_type)
    return qs


def history_for(actor: Actor, target_type: str, target_id: int) -> models.QuerySet[Activity]:
    load_visible(actor, target_type, target_id)
    return Activity.objects.filter(
        workspace_id=actor.workspace_id, target_type=target_type, target_id=target_id
    ).select_related("actor")


def comments_for(actor: Actor, target_type: str, target_id: int) -> models.QuerySet[Comment]:
    load_visible(actor, target_type, target_id)
    return Comment.objects.filter(
        workspace_id=actor.workspace_id, target_type=target_type, target_id=target_id
    ).select_related("author")


def get_comment(actor: Actor, comment_id: int) -> Comment:
    comment = Comment.objects.filter(workspace_id=actor.workspace_id, pk=comment_id).select_related("author").first()
    if comment is None:
        raise NotFound()
    load_visible(actor, comment.target_type, comment.target_id)
    return comment


def watchers_for(actor: Actor, target_type: str, target_id: int) -> models.QuerySet[Watcher]:
    load_visible(actor, target_type, target_id)
    return Watcher.objects.filter(
        workspace_id=actor.workspace_id, target_type=target_type, target_id=target_id
    ).select_related("user")


def is_watching(actor: Actor, target_type: str, target_id: int) -> bool:
    return Watcher.objects.filter(target_type=target_type, target_id=target_id, user_id=actor.user_id).exists()


def trash_for(actor: Actor, *, target_type: str | None = None) -> models.QuerySet[TrashItem]:
    require(actor, "trash.view")
    qs = TrashItem.objects.filter(workspace_id=actor.workspace_id).select_related("deleted_by")
    if target_type:
        get_type(target_type)
        qs = qs.filter(target_type=target_type)
    return qs


def get_trash_item(actor: Actor, target_type: str, target_id: int) -> TrashItem:
    item = trash_for(actor).filter(target_type=target_type, target_id=target_id).first()
    if item is None:
        raise NotFound()
    return item


@dataclass(frozen=True)
class LinkEnd:
    type: str
    id: int
    label: str
    url: str | None


@dataclass(frozen=True)
class LinkView:
    """A link as one of its ends sees it."""

    id: int
    kind: str
    direction: str  # "outgoing": this object is the source; "incoming": it is the target
    label: str  # the kind, read from this end ("Blocks", "Is blocked by")
    other: LinkEnd
    created_by: Any
    created_at: datetime.datetime


def links_for(actor: Actor, target_type: str, target_id: int) -> models.QuerySet[Link]:
    """The links from and to an object, both directions, without those whose other end is in the
    trash (a column of the link, kept by core.services.soft_delete and restore)."""
    load_visible(actor, target_type, target_id)
    return Link.objects.filter(
        Q(source_type=target_type, source_id=target_id) | Q(target_type=target_type, target_id=target_id),
        workspace_id=actor.workspace_id,
        source_trashed=False,
        target_trashed=False,
    ).select_related("created_by")


def _visible_ends(actor: Actor, wanted: dict[str, set[int]]) -> dict[tuple[str, int], Any]:
    """The objects among `wanted` (ids by type) that the actor may see: one query per type."""
    types: dict[str, ObjectType] = {t.name: t for t in all_types()}
    found: dict[tuple[str, int], Any] = {}
    for type_name, ids in wanted.items():
        object_type = types.get(type_name)
        if object_type is None or not can(actor, object_type.view_capability):
            continue
        qs = object_type.visible(actor, object_type.model._default_manager.filter(pk__in=ids))
        # Every non-null foreign key joined: labels and URLs read the workspace, the project…
        for obj in qs.select_related():
            found[(type_name, obj.pk)] = obj
    return found


def link_views(actor: Actor, target_type: str, target_id: int, links: Iterable[Link]) -> list[LinkView]:
    """`links` of one object as it sees them, keeping only those whose other end the actor may see."""
    links = list(links)
    ends = []
    for link in links:
        outgoing = (link.source_type, link.source_id) == (target_type, target_id)
        other = (link.target_type, link.target_id) if outgoing else (link.source_type, link.source_id)
        ends.append((link, outgoing, other))
    wanted: dict[str, set[int]] = {}
    for _link, _outgoing, (other_type, other_id) in ends:
        wanted.setdefault(other_type, set()).add(other_id)
    found = _visible_ends(actor, wanted)
    views = []
    for link, outgoing, other in ends:
        obj = found.get(other)
        if obj is None:
            continue
        object_type = get_type(other[0])
        kind = get_kind(link.kind)
        label = link.kind if kind is None else str(kind.label if outgoing else kind.inverse_label)
        url = object_type.web_url(obj) if object_type.web_url else None
        end = LinkEnd(other[0], obj.pk, object_type.label(obj), url)
        views.append(
            LinkView(
                id=link.pk,
                kind=link.kind,
                direction="outgoing" if outgoing else "incoming",
                label=label,
                other=end,
                created_by=link.created_by,
                created_at=link.created_at,
            )
        )
    return views


def links_page(
    actor: Actor, target_type: str, target_id: int, *, cursor: str | None, limit: int | None
) -> Page[LinkView]:
    """A page of an object's links, oldest first. A link to something the actor may not see is
    left out, so a page may hold fewer than `limit`; `next_cursor` still continues after it."""
    page = paginate(links_for(actor, target_type, target_id), cursor=cursor, limit=limit, order="id")
    return Page(items=link_views(actor, target_type, target_id, page.items), next_cursor=page.next_cursor)


def get_link(actor: Actor, link_id: int) -> Link:
    """A link of the actor's workspace whose two ends are alive and visible to the actor; else NotFound."""
    link = Link.objects.filter(
        workspace_id=actor.workspace_id, pk=link_id, source_trashed=False, target_trashed=False
    ).first()
    if link is None:
        raise NotFound()
    load_visible(actor, link.source_type, link.source_id)
    load_visible(actor, link.target_type, link.target_id)
    return link
