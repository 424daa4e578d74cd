"""The events that exist now. Later modules declare theirs next to their services, the same way."""

from django.utils.translation import gettext_lazy as _

from core.services import CommentEvent
from notify.events import declare, emit, listed, owner, watchers
from notify.models import EmailMode

declare(
    "work_item.assigned",
    label=_("Assigned to me"),
    title=_("%(actor)s assigned %(object)s to you"),
    group_title=_("%(actor)s assigned %(object)s to %(recipients)s"),
    recipients=owner,
)
declare(
    "comment.mentioned",
    label=_("Mentions of me"),
    title=_("%(actor)s mentioned you on %(object)s"),
    group_title=_("%(actor)s mentioned %(recipients)s on %(object)s"),
    recipients=listed("mentioned"),
)
declare(
    "comment.added",
    label=_("Comments on what I watch"),
    title=_("%(actor)s commented on %(object)s"),
    recipients=watchers,
    email=EmailMode.DIGEST,
)
declare(
    "work_item.status_changed",
    label=_("Status changes of what I watch"),
    title=_("%(actor)s moved %(object)s to %(state)s"),
    recipients=watchers,
    email=EmailMode.DIGEST,
)
declare(
    "work_item.due_soon",
    label=_("My items due soon"),
    title=_("%(object)s is due on %(due)s"),
    recipients=owner,
)
declare(
    "work_item.overdue",
    label=_("My items overdue"),
    title=_("%(object)s is overdue: it was due on %(due)s"),
    recipients=owner,
)
declare(
    "work_item.escalated",
    label=_("Overdue items of my department"),
    title=_("%(object)s, owned by %(owner)s, is still open: it was due on %(due)s"),
    recipients=listed("heads"),
)
declare(
    "checkin.weekly",
    label=_("Weekly check-in"),
    title=_("Weekly check-in: %(open)s open items, %(overdue)s overdue. Please bring them up to date."),
    group_title=_("Weekly check-in of %(recipients)s: %(open)s open items, %(overdue)s overdue."),
    recipients=listed("people"),
)
declare(
    "webhook.test",
    label=_("Test messages"),
    title=_("Test message from Cadence, sent by %(actor)s"),
    recipients=lambda target, context: [],  # sent to one endpoint by notify.services.send_test
)


def tell_mentioned(event: CommentEvent) -> None:
    """Subscribes to core's "comment.mentioned"."""
    context = {"mentioned": list(event.mentioned), "excerpt": event.excerpt}
    emit("comment.mentioned", actor=event.actor, target=event.target, context=context)


def tell_watchers_of_comment(event: CommentEvent) -> None:
    """Subscribes to core's "comment.added"; those it mentions were told already."""
    context = {"told": list(event.mentioned), "excerpt": event.excerpt}
    emit("comment.added", actor=event.actor, target=event.target, context=context)
