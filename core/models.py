"""What every domain shares: versioned and soft-deletable bases, the activity log, comments,
mentions, watchers, typed links, the trash, throttles and the scheduler's bookkeeping."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class VersionedModel(models.Model):
    """An editable object: `version` goes up by one on every update (optimistic locking)."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class AliveManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    """Deleting sets `deleted_at` and puts a row in the trash; `objects` hides deleted rows."""

    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects: Any = AliveManager()
    all_objects = models.Manager()

    class Meta:
        abstract = True


class Activity(models.Model):
    """One change, written once, never edited: who did what to which object, before → after."""

    # No index of its own: every index below starts with the workspace.
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    verb = models.CharField(max_length=40)
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    target_label = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-id"], name="activity_feed"),
            models.Index(fields=["workspace", "target_type", "target_id", "-id"], name="activity_target"),
            models.Index(fields=["workspace", "actor", "-id"], name="activity_actor"),
            models.Index(fields=["workspace", "verb", "-id"], name="activity_verb"),
            models.Index(fields=["workspace", "target_type", "-id"], name="activity_type"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Activity rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Activity rows are append-only.")


class Comment(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    body_html = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["workspace", "target_type", "target_id", "id"], name="comment_target")]

    def __str__(self) -> str:
        return self.body[:60]


class Mention(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="mention_once")]


class Watcher(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target_type", "target_id", "user"], name="watch_once")]
        indexes = [models.Index(fields=["workspace", "target_type", "target_id"], name="watcher_target")]


class TrashItem(models.Model):
    """A soft-deleted object waiting for restore or purge."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    target_label = models.CharField(max_length=200)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target_type", "target_id"], name="trash_once")]
        indexes = [
            models.Index(fields=["workspace", "-id"], name="trash_list"),
            models.Index(fields=["deleted_at"], name="trash_purge"),
        ]


class Throttle(models.Model):
    """Failure counter for one key (an IP or an account) across every process."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)


class ScheduledRun(models.Model):
    """When a periodic job last ran, so that several workers run it once."""

    name = models.CharField(max_length=100, unique=True)
    last_started_at = models.DateTimeField(null=True)
    last_finished_at = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True)


class Attachment(SoftDeleteModel):
    """A file on any registered object, stored under a generated name and only ever served as a
    download (SECURITY.md rule 6)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    stored_name = models.CharField(max_length=100, unique=True)
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["workspace", "target_type", "target_id", "id"], name="attachment_target")]

    def __str__(self) -> str:
        return self.file_name


class Link(models.Model):
    """A typed link from one registered object to another ("WEB-3 blocks WEB-7"); its kinds are
    declared in core.links.

    While an end is in the trash its flag is set (core.services.soft_delete, in the same
    transaction), so lists hide the link with a plain column filter and restoring the end shows it
    again; purging the end deletes the link.
    """

    # No index of its own: both indexes below start with the workspace.
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False)
    source_type = models.CharField(max_length=40)
    source_id = models.BigIntegerField()
    target_type = models.CharField(max_length=40)
    target_id = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    source_trashed = models.BooleanField(default=False)
    target_trashed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "target_type", "target_id", "kind"], name="link_once"
            ),
            models.CheckConstraint(
                condition=~(models.Q(source_type=models.F("target_type")) & models.Q(source_id=models.F("target_id"))),
                name="link_not_to_itself",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "source_type", "source_id", "id"], name="link_source"),
            models.Index(fields=["workspace", "target_type", "target_id", "id"], name="link_target"),
        ]

    def __str__(self) -> str:
        return f"{self.source_type}:{self.source_id} {self.kind} {self.target_type}:{self.target_id}"
