"""Shared reads: the activity feed, an object's history, comments, watchers and the trash."""

from django.db import models

from core.actors import Actor
from core.errors import NotFound
from core.models import Activity, Comment, TrashItem, Watcher
from core.permissions import require
from core.registry import get_type, load_visible


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
