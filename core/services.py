"""Shared writes: comments with mentions, watchers, soft delete, restore and purge."""

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks, markdown
from core.activity import record
from core.actors import Actor, members_named
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.models import Attachment, Comment, Mention, TrashItem, Watcher
from core.permissions import can, require
from core.registry import get_type, load_visible, type_of
from core.versioning import save_versioned

COMMENT_MAX_LENGTH = 20000
EXCERPT_LENGTH = 300  # of a comment, quoted in its notifications


@dataclass(frozen=True)
class CommentEvent:
    actor: Actor
    target: Any  # the commented object
    comment: Comment
    mentioned: tuple[int, ...]  # the users it mentions for the first time
    excerpt: str  # of the body, to quote


hooks.declare("comment.added", CommentEvent, doc="A comment was added to an object (notify tells its watchers).")
hooks.declare(
    "comment.mentioned",
    CommentEvent,
    doc="A comment, added or edited, mentions people for the first time (notify tells them).",
)


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": _("This field is required.")})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationFailed(
            {"body": _("Ensure this value has at most %(max)s characters.") % {"max": COMMENT_MAX_LENGTH}}
        )
    return body


def _mentioned_members(actor: Actor, body: str) -> list[Any]:
    """Only people of the actor's workspace can be mentioned: their memberships, with the user."""
    handles = markdown.mentioned_handles(body)
    if not handles:
        return []
    return members_named(actor.workspace_id, handles)


def _render_comment(actor: Actor, body: str, mentioned: list[Any]) -> str:
    """The comment's HTML, each mention a link to that person's page in the workspace."""
    slug = actor.workspace.slug
    links = {m.user.username: reverse("accounts:member", args=[slug, m.pk]) for m in mentioned}
    return markdown.render(body, mentions=links)


def add_comment(actor: Actor, *, target_type: str, target_id: int, body: str) -> Comment:
    require(actor, "comment.create")
    target = load_visible(actor, target_type, target_id)
    body = _check_body(body)
    members = _mentioned_members(actor, body)
    mentioned = [m.user for m in members]
    with transaction.atomic():
        comment = Comment.objects.create(
            workspace_id=actor.workspace_id,
            target_type=target_type,
            target_id=target.pk,
            author=actor.user,
            body=body,
            body_html=_render_comment(actor, body, members),
        )
        Mention.objects.bulk_create([Mention(comment=comment, user=u) for u in mentioned])
        Watcher.objects.get_or_create(
            workspace_id=actor.workspace_id, target_type=target_type, target_id=target.pk, user=actor.user
        )
        record(actor, "commented", target, {"comment": [None, comment.pk]})
        event = CommentEvent(actor, target, comment, mentioned=tuple(u.pk for u in mentioned), excerpt=_excerpt(body))
        hooks.emit("comment.mentioned", event)
        hooks.emit("comment.added", event)
    return comment


def _excerpt(body: str) -> str:
    return body if len(body) <= EXCERPT_LENGTH else body[: EXCERPT_LENGTH - 1] + "…"


def _require_comment_author_or_moderator(actor: Actor, comment: Comment) -> None:
    if comment.author_id != actor.user_id and not can(actor, "comment.moderate"):
        raise PermissionDenied()


def edit_comment(actor: Actor, comment: Comment, *, version: int, body: str) -> Comment:
    if comment.author_id != actor.user_id:
        raise PermissionDenied()
    body = _check_body(body)
    members = _mentioned_members(actor, body)
    mentioned = [m.user for m in members]
    with transaction.atomic():
        before = comment.body
        comment.body = body
        comment.body_html = _render_comment(actor, body, members)
        save_versioned(comment, expected_version=version, fields=["body", "body_html"])
        told_before = set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True))
        Mention.objects.filter(comment=comment).delete()
        Mention.objects.bulk_create([Mention(comment=comment, user=u) for u in mentioned])
        record(actor, "updated", comment, {"body": [before, body]})
        newly = tuple(u.pk for u in mentioned if u.pk not in told_before)
        if newly:
            target = get_type(comment.target_type).model._default_manager.get(pk=comment.target_id)
            hooks.emit(
                "comment.mentioned", CommentEvent(actor, target, comment, mentioned=newly, excerpt=_excerpt(body))
            )
    return comment


def delete_comment(actor: Actor, comment: Comment) -> None:
    _require_comment_author_or_moderator(actor, comment)
    soft_delete(actor, comment)


def watch(actor: Actor, *, target_type: str, target_id: int) -> None:
    require(actor, "watch.use")
    target = load_visible(actor, target_type, target_id)
    Watcher.objects.get_or_create(
        workspace_id=actor.workspace_id, target_type=target_type, target_id=target.pk, user=actor.user
    )


def unwatch(actor: Actor, *, target_type: str, target_id: int) -> None:
    require(actor, "watch.use")
    target = load_visible(actor, target_type, target_id)
    Watcher.objects.filter(target_type=target_type, target_id=target.pk, user=actor.user).delete()


def soft_delete(actor: Actor, obj: Any) -> None:
    """Move an object to the trash. The caller has checked the domain's own delete rules."""
    object_type = type_of(obj)
    with transaction.atomic():
        now = timezone.now()
        updated = (
            type(obj)
            .all_objects.filter(pk=obj.pk, deleted_at__isnull=True)
            .update(deleted_at=now, deleted_by=actor.user)
        )
        if not updated:
            raise NotFound()
        obj.deleted_at = now
        TrashItem.objects.create(
            workspace_id=actor.workspace_id,
            target_type=object_type.name,
            target_id=obj.pk,
            target_label=object_type.label(obj),
            deleted_by=actor.user,
            deleted_at=now,
        )
        record(actor, "deleted", obj)


# Types whose author may delete (and so restore) their own: comments and attachments.
RESTORABLE_BY_WHOEVER_DELETED = frozenset({"comment", "attachment"})


def may_restore(actor: Actor, item: TrashItem) -> bool:
    capability = get_type(item.target_type).edit_capability
    if item.target_type in RESTORABLE_BY_WHOEVER_DELETED:
        return item.deleted_by_id == actor.user_id or can(actor, capability)
    return can(actor, capability)


def restore(actor: Actor, item: TrashItem) -> Any:
    require(actor, "trash.view")
    if not may_restore(actor, item):
        raise PermissionDenied()
    obj = load_visible(actor, item.target_type, item.target_id, deleted=True)
    with transaction.atomic():
        type(obj).all_objects.filter(pk=obj.pk).update(deleted_at=None, deleted_by=None)
        obj.deleted_at = None
        item.delete()
        record(actor, "restored", obj)
        on_restore = get_type(item.target_type).on_restore
        if on_restore is not None:
            on_restore(actor, obj)
    return obj


def purge_trash(*, now: datetime.datetime | None = None) -> int:
    """Remove for good what has been in the trash longer than the retention period."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.TRASH_RETENTION_DAYS)
    purged = 0
    for item in TrashItem.objects.filter(deleted_at__lt=cutoff).order_by("id")[:1000]:
        with transaction.atomic():
            model: type[models.Model] = get_type(item.target_type).model
            target = model.all_objects.filter(pk=item.target_id).first()  # type: ignore[attr-defined]
            if target is not None:
                record(None, "purged", target, workspace_id=item.workspace_id)
                target.delete()
                # The object's files go with it (or the file itself, for an attachment).
                files = (
                    [target]
                    if isinstance(target, Attachment)
                    else list(
                        Attachment.all_objects.filter(
                            workspace_id=item.workspace_id, target_type=item.target_type, target_id=item.target_id
                        )
                    )
                )
                for attachment in files:
                    if attachment is not target:
                        attachment.delete()
                    from core.attachments import remove_file

                    transaction.on_commit(functools.partial(remove_file, attachment.stored_name))
            item.delete()
            purged += 1
    return purged
