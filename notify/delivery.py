"""The worker's side of the outbox: claim due deliveries, send them, retry with back-off, and give
up into the dead-letter list after MAX_ATTEMPTS.

A delivery is claimed with a conditional UPDATE and a lease, so several workers never send the same
one, and one left `sending` by a killed worker is taken up again when its lease runs out. What
cannot be known after a crash is whether the remote accepted the last message before the worker
died; the message carries its delivery key (Message-ID, X-Cadence-Delivery) so the receiver can
drop such a copy."""

import contextlib
import datetime
import hashlib
import logging
import random
import smtplib
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership, User
from core import outbound
from notify import formats
from notify.events import absolute, get_event
from notify.models import Channel, Delivery, DeliveryStatus, EmailState, Notification, Preferences

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
UNSUBSCRIBE_SALT = "notify.unsubscribe"
ALL_DIGEST_EVENTS = "digest"


class _GiveUp(Exception):
    """A failure that another attempt cannot fix (a refused address, a 4xx, a refused recipient)."""


def backoff(attempts: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min, … up to 6 h, with a little jitter so retries do not march in step."""
    seconds = min(30 * 2 ** max(attempts - 1, 0), 6 * 3600)
    return datetime.timedelta(seconds=seconds * random.uniform(1.0, 1.1))  # noqa: S311 (jitter, not a secret)


def unsubscribe_url(user_id: int, workspace_id: int, event: str) -> str:
    token = signing.dumps({"u": user_id, "w": workspace_id, "e": event}, salt=UNSUBSCRIBE_SALT, compress=True)
    return absolute(reverse("notify:unsubscribe", args=[token]))


def _message_id(delivery: Delivery) -> str:
    digest = hashlib.sha256(delivery.key.encode()).hexdigest()[:32]
    return f"<{digest}@cadence.delivery>"


def _customer_email(delivery: Delivery, connection: Any) -> EmailMultiAlternatives:
    payload = delivery.payload
    with translation.override(payload.get("language") or settings.LANGUAGE_CODE):
        context = {"body": payload["body"], "url": payload.get("url", "")}
        message = EmailMultiAlternatives(
            subject=payload["subject"],
            body=render_to_string("notify/email/customer.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[payload["address"]],
            connection=connection,
            headers={"Message-ID": _message_id(delivery), "X-Cadence-Delivery": delivery.key},
        )
        message.attach_alternative(render_to_string("notify/email/customer.html", context), "text/html")
    return message


def _email(delivery: Delivery, connection: Any) -> EmailMultiAlternatives:
    if delivery.channel == Channel.CUSTOMER:
        return _customer_email(delivery, connection)
    user = delivery.recipient
    assert user is not None
    with translation.override(user.language):
        if delivery.channel == Channel.DIGEST:
            notifications = list(
                Notification.objects.filter(pk__in=delivery.payload.get("ids", [])).order_by("created_at", "id")
            )
            entries = [{"title": get_event(n.event).render(n.context), "url": absolute(n.url)} for n in notifications]
            event_name = ALL_DIGEST_EVENTS
            subject = translation.gettext("Your Cadence digest: %(count)s updates") % {"count": len(entries)}
            context: dict[str, Any] = {"entries": entries}
            template = "notify/email/digest"
        else:
            notification = delivery.notification
            assert notification is not None
            event = get_event(notification.event)
            event_name = event.name
            subject = event.render(notification.context)
            context = {
                "title": subject,
                "excerpt": notification.context.get("excerpt", ""),
                "url": absolute(notification.url),
                "event_label": event.label,
            }
            template = "notify/email/notification"
        unsubscribe = unsubscribe_url(user.pk, delivery.workspace_id, event_name)
        context |= {
            "user": user,
            "unsubscribe_url": unsubscribe,
            "preferences_url": absolute(reverse("notify:preferences", args=[delivery.workspace.slug])),
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"{template}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            connection=connection,
            headers={
                "Message-ID": _message_id(delivery),
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "X-Cadence-Delivery": delivery.key,
            },
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def webhook_message(delivery: Delivery) -> formats.Message:
    endpoint = delivery.endpoint
    assert endpoint is not None
    payload = delivery.payload
    event = get_event(payload["event"])
    with translation.override(endpoint.language):
        title = event.render_for_group(payload["context"])
    return formats.Message(
        event=event.name,
        title=title,
        text=payload["context"].get("excerpt", ""),
        url=absolute(payload.get("url", "")),
        workspace=delivery.workspace.name,
        occurred_at=datetime.datetime.fromisoformat(payload["occurred_at"]),
        data={k: payload.get(k) for k in ("actor_id", "target_type", "target_id", "context")},
    )


def _send_webhook(delivery: Delivery, now: datetime.datetime) -> None:
    endpoint = delivery.endpoint
    assert endpoint is not None
    if endpoint.deleted_at is not None or not endpoint.active:
        raise _GiveUp("endpoint_off")
    request = formats.build(
        endpoint.kind, endpoint.url, endpoint.secret, webhook_message(delivery), delivery_id=delivery.key, now=now
    )
    try:
        answer = outbound.post(request.url, request.body, request.headers)
    except outbound.Refused as refused:
        raise _GiveUp(refused.reason) from None
    except outbound.Failed as failed:
        if failed.status and 200 <= failed.status < 300:
            return  # taken; only its answer was too big or too slow to read, so no verdict is known
        reason = f"{failed.reason} {failed.status}" if failed.status else failed.reason
        if not failed.transient:
            raise _GiveUp(reason) from None
        raise RuntimeError(reason) from None
    refused_by_service = formats.rejection(endpoint.kind, answer.body)
    if refused_by_service:
        # A wrong signature, a rate limit, a robot removed from its group: retried, then dead.
        raise RuntimeError(f"rejected: {refused_by_service}")


class _Mailer:
    """One SMTP connection for a batch, opened on first use and reopened after an error."""

    def __init__(self) -> None:
        self.connection: Any = None

    def send(self, delivery: Delivery) -> None:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
        try:
            _email(delivery, self.connection).send()
        except smtplib.SMTPRecipientsRefused:
            raise _GiveUp("recipient_refused") from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise RuntimeError(f"smtp {type(error).__name__}") from None

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


def _still_a_member(delivery: Delivery) -> None:
    """Someone removed from the workspace since the email was queued is told nothing more of it."""
    active = Membership.objects.filter(workspace_id=delivery.workspace_id, removed_at__isnull=True)
    if delivery.recipient_id is None or not active.filter(user_id=delivery.recipient_id).exists():
        raise _GiveUp("not_a_member")


def _due(now: datetime.datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, lease_until__lt=now
    )


def _claim(pk: int, now: datetime.datetime) -> bool:
    lease = datetime.timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
    claimed = Delivery.objects.filter(_due(now), pk=pk).update(
        status=DeliveryStatus.SENDING, lease_until=now + lease, attempts=F("attempts") + 1
    )
    return claimed == 1


def deliver_due(*, limit: int = 100, now: datetime.datetime | None = None) -> int:
    """Try to send what is due; return how many were tried. A failure is rescheduled into the
    future, so a worker draining until this returns 0 never spins on a broken channel."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(_due(now)).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    )
    mailer = _Mailer()
    tried = 0
    try:
        for pk in ids:
            if not _claim(pk, now):
                continue  # another worker has it
            delivery = Delivery.objects.select_related("recipient", "notification", "endpoint", "workspace").get(pk=pk)
            _attempt(delivery, mailer, now)
            tried += 1
    finally:
        mailer.close()
    return tried


def _attempt(delivery: Delivery, mailer: _Mailer, now: datetime.datetime) -> None:
    try:
        if delivery.channel == Channel.WEBHOOK:
            _send_webhook(delivery, now)
        elif delivery.channel == Channel.CUSTOMER:
            mailer.send(delivery)
        else:
            _still_a_member(delivery)
            mailer.send(delivery)
    except _GiveUp as give_up:
        _fail(delivery, str(give_up), dead=True)
        return
    except Exception as error:  # a channel's failure never stops the batch
        log.warning("delivery %s failed: %s", delivery.key, error)
        _fail(delivery, str(error)[:200], dead=delivery.attempts >= MAX_ATTEMPTS)
        return
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
    )


def _fail(delivery: Delivery, reason: str, *, dead: bool) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
        next_attempt_at=timezone.now() + backoff(delivery.attempts),
        lease_until=None,
        last_error=reason[:200],
    )


def queue_digests(now: datetime.datetime | None = None) -> int:
    """Batch each person's waiting low-priority notifications into one email, once a day at
    their digest hour (in their time zone). Returns the number of digests queued."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(email_state=EmailState.DIGEST)
        .values_list("recipient_id", "workspace_id")
        .distinct()
    )
    pairs = list(waiting)
    user_ids = {user_id for user_id, _ in pairs}
    time_zones = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "time_zone"))
    hours = {
        (user_id, workspace_id): hour
        for user_id, workspace_id, hour in Preferences.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "workspace_id", "digest_hour"
        )
    }
    default_hour = Preferences().digest_hour
    queued = 0
    for user_id, workspace_id in pairs:
        local = now.astimezone(ZoneInfo(time_zones[user_id]))
        if local.hour < hours.get((user_id, workspace_id), default_hour):
            continue
        key = f"digest:{workspace_id}:{user_id}:{local.date().isoformat()}"
        with transaction.atomic():
            if Delivery.objects.filter(key=key).exists():
                continue  # today's went out; these wait for tomorrow's
            ids = list(
                Notification.objects.filter(
                    recipient_id=user_id, workspace_id=workspace_id, email_state=EmailState.DIGEST
                ).values_list("pk", flat=True)
            )
            Delivery.objects.create(
                workspace_id=workspace_id,
                channel=Channel.DIGEST,
                key=key,
                recipient_id=user_id,
                payload={"ids": ids},
            )
            Notification.objects.filter(pk__in=ids).update(email_state=EmailState.DIGESTED)
            queued += 1
    return queued
