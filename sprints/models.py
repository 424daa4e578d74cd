"""Sprints: goal, dates, per-member capacity, the frozen report of a closed sprint, and the
retrospective board."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import SoftDeleteModel, VersionedModel


class SprintStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Sprint(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="sprints")
    name = models.CharField(max_length=100)
    goal = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=20, choices=SprintStatus.choices, default=SprintStatus.PLANNED)
    # Set when the sprint closes: what was committed and done, and the chart series, frozen so that
    # carrying items over does not rewrite history.
    committed_points = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    completed_points = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["project", "-start_date"], name="sprint_project")]
        constraints = [
            # At most one active sprint per project, even when two people press Start at once.
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(status="active", deleted_at__isnull=True),
                name="one_active_sprint",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SprintCapacity(models.Model):
    """One member's availability in a sprint: days available × focus factor."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="capacities")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    days = models.DecimalField(max_digits=4, decimal_places=1)
    focus = models.DecimalField(max_digits=3, decimal_places=2, default=0.7)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sprint", "user"], name="capacity_once")]


class RetroColumn(models.TextChoices):
    WENT_WELL = "went_well", _("Went well")
    TO_IMPROVE = "to_improve", _("To improve")
    ACTION = "action", pgettext_lazy("retrospective column", "Actions")


class RetroNote(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="retro_notes")
    column = models.CharField(max_length=20, choices=RetroColumn.choices)
    text = models.CharField(max_length=1000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # An action that became a work item.
    work_item = models.ForeignKey(
        "projects.WorkItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["sprint", "column", "id"], name="retro_sprint")]

    def __str__(self) -> str:
        return self.text[:60]
