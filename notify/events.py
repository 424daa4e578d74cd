"""The one notification service. A module declares an event type once, with who hears it and
what they are told; its services call `emit` inside the transaction of the change. `emit` writes
the inbox entries and the outbox (deliveries) there and then, so nothing is lost if a channel is
down, and the worker sends them later.

    declare("work_item.assigned", label=_("Assigned to me"),
            title=_("%(actor)s assigned %(object)s to you"), recipients=owner)
    emit("work_item.assigned", actor=actor, target=item)
"""

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

from core.errors import ValidationFailed
from core.models import Watcher
from core.permissions import can
from core.registry import type_of
from notify.models import Delivery, EmailMode, EmailState, Notification, Preferences, WebhookEndpoint

Recipients = Callable[[Any, dict[str, Any]], Iterable[int]]


@dataclass(frozen=True)
class EventType:
    name: str
    label: Promise  # what the preferences page and the inbox filter call it
    title: Promise  # a sentence with %(name)s placeholders filled from the context
    recipients: Recipients
    email: EmailMode = EmailMode.INSTANT  # the default for people who have not chosen
    # The title told to a group chat or a webhook when `title` speaks to the reader ("to you"): it
    # names the people told instead, as %(recipients)s.
    group_title: Promise | None = None

    def render(self, context: dict[str, Any]) -> str:
        """The title in the active language. Values are user text, inserted, never interpreted."""
        return str(self.title) % _Blanks(context)

    def render_for_group(self, context: dict[str, Any]) -> str:
        """The title for a group: "assigned to Carol", never "to you"."""
        names = context.get("recipient_names")
        if self.group_title is None or not names:
            return self.render(context)
        recipients = pgettext("between names in a list", ", ").join(names)
        return str(self.group_title) % _Blanks({**context, "recipients": recipients})


class _Blanks(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


_events: dict[str, EventType] = {}


def declare(
    name: str,
    *,
    label: Promise,
    title: Promise,
    recipients: Recipients,
    email: EmailMode = EmailMode.INSTANT,
    group_title: Promise | None = None,
) -> EventType:
    event = EventType(name, label, title, recipients, email, group_title)
    _events[name] = event
    return event


def get_event(name: str) -> EventType:
    return _events[name]


def event_types() -> list[EventType]:
    return list(_events.values())


def declared(name: str, field: str) -> str:
    """`name` if such an event is declared, else a field error naming `field`."""
    if name not in _events:
        raise ValidationFailed({field: gettext("Choose one of the notification types.")})
    return name


# --- recipient rules ------------------------------------------------------------------------


def owner(target: Any, context: dict[str, Any]) -> list[int]:
    return [target.owner_id] if getattr(target, "owner_id", None) else []


def watchers(target: Any, context: dict[str, Any]) -> list[int]:
    """Everyone watching the target, except those the context names in `told` (told otherwise)."""
    told = set(context.get("told", ()))
    ids = Watcher.objects.filter(target_type=type_of(target).name, target_id=target.pk).values_list(
        "user_id", flat=True
    )
    return [i for i in ids if i not in told]


def listed(key: str) -> Recipients:
    """The people the caller lists in context[key]."""
    return lambda target, context: list(context.get(key, ()))


# --- choices --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    inbox: bool
    email: EmailMode


def choice_for(preferences: Preferences | None, event: EventType) -> Choice:
    chosen = (preferences.events if preferences else {}).get(event.name, {})
    return Choice(inbox=chosen.get("inbox", True), email=EmailMode(chosen.get("email", event.email)))


def after_quiet_hours(preferences: Preferences | None, time_zone: str, now: datetime.datetime) -> datetime.datetime:
    """`now`, or the end of the person's quiet hours if `now` falls inside them."""
    if not preferences or preferences.quiet_start is None or preferences.quiet_end is None:
        return now
    start, end = preferences.quiet_start, preferences.quiet_end
    local = now.astimezone(ZoneInfo(time_zone))
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return now
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += datetime.timedelta(days=1)
    return until.astimezone(datetime.UTC)


# --- emitting -------------------------------------------------------------------------------


def _visible_to(membership: Any, target: Any) -> bool:
    if target is None:
        return True
    object_type = type_of(target)
    if not can(membership, object_type.view_capability):
        return False
    return object_type.visible(membership, object_type.model._default_manager.filter(pk=target.pk)).exists()


def _web_url(target: Any) -> str:
    if target is None:
        return ""
    object_type = type_of(target)
    return object_type.web_url(target) if object_type.web_url else ""


def emit(
    name: str,
    *,
    actor: Any,
    target: models.Model | None,
    context: dict[str, Any] | None = None,
    workspace_id: int | None = None,
    dedupe: str | None = None,
    url: str | None = None,
) -> list[Notification]:
    """Tell the event's recipients, except the actor, who are members able to see the target.

    `actor` is a Membership, a User or None (the system). With `dedupe`, a recipient already told
    under that key is not told again: scans that find the same overdue item stay silent.
    """
    from accounts.models import Membership

    event = _events[name]
    context = dict(context or {})
    actor_user = getattr(actor, "user", actor)
    workspace_id = workspace_id or target.workspace_id  # type: ignore[union-attr]
    wanted = set(event.recipients(target, context)) - {getattr(actor_user, "pk", None)}
    if dedupe and wanted:
        wanted -= set(
            Notification.objects.filter(recipient_id__in=wanted, dedupe_key=dedupe).values_list(
                "recipient_id", flat=True
            )
        )
    if not wanted:
        return []
    members = [
        m
        for m in Membership.objects.filter(workspace_id=workspace_id, user_id__in=wanted, removed_at__isnull=True)
        .select_related("user")
        .order_by("user_id")
        if _visible_to(m, target)
    ]
    if not members:
        return []
    if actor_user is not None:
        context.setdefault("actor", str(actor_user))
    if target is not None:
        context.setdefault("object", type_of(target).label(target))
    url = url if url is not None else _web_url(target)
    preferences = {p.user_id: p for p in Preferences.objects.filter(workspace_id=workspace_id, user__in=wanted)}
    now = timezone.now()
    with transaction.atomic():
        notifications, deliveries = [], []
        for member in members:
            choice = choice_for(preferences.get(member.user_id), event)
            email = choice.email if member.user.email else EmailMode.OFF
            if not choice.inbox and email == EmailMode.OFF:
                continue
            notifications.append(
                Notification(
                    workspace_id=workspace_id,
                    recipient=member.user,
                    event=name,
                    actor=actor_user,
                    target_type=type_of(target).name if target is not None else "",
                    target_id=target.pk if target is not None else None,
                    context=context,
                    url=url,
                    in_inbox=choice.inbox,
                    email_state={EmailMode.INSTANT: EmailState.QUEUED, EmailMode.DIGEST: EmailState.DIGEST}.get(
                        email, EmailState.NONE
                    ),
                    dedupe_key=dedupe,
                    created_at=now,
                )
            )
        Notification.objects.bulk_create(notifications)
        for notification in notifications:
            if notification.email_state == EmailState.QUEUED:
                user = notification.recipient
                deliveries.append(
                    Delivery(
                        workspace_id=workspace_id,
                        channel="email",
                        key=f"email:{notification.pk}",
                        recipient=user,
                        notification=notification,
                        next_attempt_at=after_quiet_hours(preferences.get(user.pk), user.time_zone, now),
                    )
                )
        deliveries += _webhook_deliveries(event, workspace_id, notifications, dedupe, now)
        # A reminder found again under the same key has its group message already.
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return notifications


def _webhook_deliveries(
    event: EventType, workspace_id: int, notifications: list[Notification], dedupe: str | None, now: datetime.datetime
) -> list[Delivery]:
    """One message per group chat that hears this event: the workspace's, and those of teams
    whose members were told."""
    from accounts.models import TeamMember

    if not notifications:
        return []
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(workspace_id=workspace_id, active=True)
        if not e.events or event.name in e.events
    ]
    if not endpoints:
        return []
    told = {n.recipient_id for n in notifications}
    teams_told = set(
        TeamMember.objects.filter(team__in=[e.team_id for e in endpoints if e.team_id], user_id__in=told).values_list(
            "team_id", flat=True
        )
    )
    first = notifications[0]
    emission = dedupe or uuid.uuid4().hex
    payload = {
        "event": event.name,
        "context": {**first.context, "recipient_names": [str(n.recipient) for n in notifications]},
        "url": first.url,
        "actor_id": first.actor_id,
        "target_type": first.target_type,
        "target_id": first.target_id,
        "occurred_at": now.isoformat(),
    }
    return [
        Delivery(
            workspace_id=workspace_id,
            channel="webhook",
            key=f"hook:{endpoint.pk}:{emission}"[:200],
            endpoint=endpoint,
            payload=payload,
        )
        for endpoint in endpoints
        if endpoint.team_id is None or endpoint.team_id in teams_told
    ]


def email_customer(
    *, workspace_id: int, address: str, key: str, language: str, subject: str, body: str, url: str = ""
) -> None:
    """Queue one email to someone who has no account, such as a customer who gave feedback.

    The message is written now, in the caller's words and language; `key` makes it once only.
    Call it inside the transaction of the change that causes it, like `emit`."""
    payload = {"address": address, "language": language, "subject": " ".join(subject.split()), "body": body}
    Delivery.objects.bulk_create(
        [
            Delivery(
                workspace_id=workspace_id,
                channel="customer",
                key=key[:200],
                payload=payload | {"url": absolute(url) if url else ""},
            )
        ],
        ignore_conflicts=True,
    )


def absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url
