"""Notifications: what each person is told (the inbox), how it leaves (the delivery outbox), what
each person wants (preferences) and where a workspace's group chats listen (webhook endpoints)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import SoftDeleteModel, VersionedModel


class EmailMode(models.TextChoices):
    INSTANT = "instant", _("Right away")
    DIGEST = "digest", _("Daily digest")
    OFF = "off", _("Off")


class EmailState(models.TextChoices):
    NONE = "none"  # not sent by email
    QUEUED = "queued"  # a delivery carries it
    DIGEST = "digest"  # waits for the recipient's next digest
    DIGESTED = "digested"  # went out in a digest


class Notification(models.Model):
    """One thing one person is told. Its words are rendered from `context` in the reader's language."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=60)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.PositiveBigIntegerField(null=True)
    context = models.JSONField(default=dict)
    url = models.CharField(max_length=500, blank=True)
    in_inbox = models.BooleanField(default=True)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.NONE)
    # Set for events a scan may find again (reminders): one notification per recipient and key.
    # NULL, not "": rows without a key must not collide in the unique constraint.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "workspace", "in_inbox", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "workspace", "-id"], name="notification_inbox"),
            models.Index(fields=["email_state", "recipient"], name="notification_digest"),
        ]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Failed")


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("notification channel", "Email")
    DIGEST = "digest", _("Daily digest")
    WEBHOOK = "webhook", _("Webhook")
    # To someone without an account (a customer who gave feedback): the payload holds the message.
    CUSTOMER = "customer", _("Customer email")


class Delivery(models.Model):
    """The outbox: one message to send, written in the same transaction as the change that caused it.

    `key` is the idempotency key: a delivery is created once per key, and the message carries it
    (Message-ID, X-Cadence-Delivery) so that a receiver can drop a copy it has already seen.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(Notification, null=True, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey("WebhookEndpoint", null=True, on_delete=models.CASCADE, related_name="deliveries")
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    # A short code ("timeout", "status 503", "blocked_address"); never the remote's body.
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["workspace", "status", "-id"], name="delivery_list"),
        ]


class Preferences(VersionedModel):
    """One person's choices in one workspace. `events` maps an event name to
    {"inbox": bool, "email": EmailMode}; an event not named there uses its declared defaults."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    events = models.JSONField(default=dict)
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    digest_hour = models.PositiveSmallIntegerField(_("digest hour"), default=9)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="preferences_once")]


class ReminderSettings(VersionedModel):
    """A workspace's reminder rules; a workspace without a row uses the defaults."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    due_soon_days = models.PositiveSmallIntegerField(_("remind days before due"), default=1)
    escalate_after_days = models.PositiveSmallIntegerField(_("escalate after days overdue"), default=3)
    checkin_weekday = models.PositiveSmallIntegerField(_("weekly check-in day"), default=0)  # Monday
    checkin_hour = models.PositiveSmallIntegerField(_("weekly check-in hour"), default=9)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.DEFAULT_USER_TIME_ZONE)
    # The ISO week whose check-ins went out ("2026-W48"): later scans that week skip the workspace.
    checkin_week = models.CharField(max_length=10, blank=True, editable=False)


class WebhookKind(models.TextChoices):
    DINGTALK = "dingtalk", _("DingTalk")
    WECOM = "wecom", _("WeCom")
    FEISHU = "feishu", _("Feishu")
    SLACK = "slack", _("Slack")
    GENERIC = "generic", _("Webhook (signed JSON)")


class WebhookEndpoint(VersionedModel, SoftDeleteModel):
    """A group chat robot or an outside system that hears a workspace's (or one team's) events."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=WebhookKind.choices)
    url = models.CharField(_("URL"), max_length=500)
    # Needed in clear to sign each request; never shown again after it is set.
    secret = models.CharField(_("secret"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)  # empty: every event
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["workspace", "active"], name="webhook_workspace")]

    def __str__(self) -> str:
        return self.name
