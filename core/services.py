"""Shared writes: comments with mentions, watchers, typed links, soft delete, restore and purge."""

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks, markdown
from core.activity import record
from core.actors import Actor, members_named
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.links import all_kinds, get_kind
from core.models import Attachment, Comment, Link, Mention, TrashItem, Watcher
from core.permissions import can, require
from core.registry import get_type, load_visible, type_names, type_of
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


def _link_target(actor: Actor, target_type: str, target_id: int | None, target_key: str | None) -> tuple[Any, str]:
    """The object a new link points to, and the field that named it: by id, or by its type's key."""
    if target_type not in type_names():
        raise ValidationFailed({"target_type": _("Choose one of the types that can be linked.")})
    if (target_id is None) == (target_key is None):
        raise ValidationFailed({"target_id": _("Name the object to link to by its id or by its key (one of them).")})
    object_type = get_type(target_type)
    field = "target_id" if target_id is not None else "target_key"
    not_found = ValidationFailed({field: _("There is no such object, or you may not see it.")})
    if target_key is not None:
        if object_type.lookup is None:
            raise ValidationFailed({"target_key": _("Objects of this type have no key: give the id.")})
        if not can(actor, object_type.view_capability):
            raise not_found
        target_id = object_type.lookup(actor, target_key)
    if target_id is None:
        raise not_found
    try:
        return load_visible(actor, target_type, target_id), field
    except NotFound:
        raise not_found from None


def _label(obj: Any) -> str:
    return type_of(obj).label(obj)


def link(
    actor: Actor,
    *,
    source_type: str,
    source_id: int,
    kind: str,
    target_type: str,
    target_id: int | None = None,
    target_key: str | None = None,
) -> Link:
    """Link the source to the target (by id, or by key where its type has keys). Needs the right to
    edit the source's type and to see the target; recorded in the history of both."""
    require(actor, "link.create")
    source = load_visible(actor, source_type, source_id)
    require(actor, get_type(source_type).edit_capability)
    link_kind = get_kind(kind)
    if link_kind is None:
        names = ", ".join(k.name for k in all_kinds())
        raise ValidationFailed({"kind": _("Choose one of these kinds of link: %(kinds)s.") % {"kinds": names}})
    target, field = _link_target(actor, target_type, target_id, target_key)
    if (target_type, target.pk) == (source_type, source.pk):
        raise ValidationFailed({field: _("An object cannot be linked to itself.")})
    same = Q(source_type=source_type, source_id=source.pk, target_type=target_type, target_id=target.pk)
    if link_kind.symmetric:  # "A relates to B" is "B relates to A"
        same |= Q(source_type=target_type, source_id=target.pk, target_type=source_type, target_id=source.pk)
    already = ValidationFailed({field: _("These objects are already linked this way.")})
    if Link.objects.filter(same, workspace_id=actor.workspace_id, kind=kind).exists():
        raise already
    try:
        with transaction.atomic():
            new = Link.objects.create(
                workspace_id=actor.workspace_id,
                source_type=source_type,
                source_id=source.pk,
                target_type=target_type,
                target_id=target.pk,
                kind=kind,
                created_by=actor.user,
            )
            record(actor, "linked", source, {link_kind.name: [None, _label(target)]})
            record(actor, "linked", target, {link_kind.inverse: [None, _label(source)]})
    except IntegrityError:  # the same link, added at the same moment
        raise already from None
    return new


def unlink(actor: Actor, link: Link) -> None:
    """Remove a link: both ends visible, and the right to edit either end's type."""
    require(actor, "link.create")
    source = load_visible(actor, link.source_type, link.source_id)
    target = load_visible(actor, link.target_type, link.target_id)
    if not (can(actor, type_of(source).edit_capability) or can(actor, type_of(target).edit_capability)):
        raise PermissionDenied()
    link_kind = get_kind(link.kind)
    inverse = link_kind.inverse if link_kind else link.kind
    with transaction.atomic():
        deleted, _rows = Link.objects.filter(pk=link.pk).delete()
        if not deleted:
            raise NotFound()
        record(actor, "unlinked", source, {link.kind: [_label(target), None]})
        record(actor, "unlinked", target, {inverse: [_label(source), None]})


def _links_of(workspace_id: int, type_name: str, object_id: int) -> tuple[models.QuerySet, models.QuerySet]:
    """(the links from the object, the links to it): each read through its own index."""
    links = Link.objects.filter(workspace_id=workspace_id)
    return (
        links.filter(source_type=type_name, source_id=object_id),
        links.filter(target_type=type_name, target_id=object_id),
    )


def _mark_links(workspace_id: int, type_name: str, object_id: int, *, trashed: bool) -> None:
    """Hide the links of an object that goes to the trash, or show them again when it comes back."""
    outgoing, incoming = _links_of(workspace_id, type_name, object_id)
    outgoing.update(source_trashed=trashed)
    incoming.update(target_trashed=trashed)


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
        _mark_links(actor.workspace_id, object_type.name, obj.pk, trashed=True)
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
        _mark_links(item.workspace_id, item.target_type, obj.pk, trashed=False)
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
                for links in _links_of(item.workspace_id, item.target_type, item.target_id):
                    links.delete()
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
