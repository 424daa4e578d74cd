"""Goals and OKRs (目标与关键成果): cycles, objectives aligned in a tree, key results with a metric,
their check-ins and links to work, and the scores given at the end of a cycle."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import SoftDeleteModel, VersionedModel


class CycleKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half year")
    YEAR = "year", _("Year")


class CycleStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("cycle status", "Planned")
    ACTIVE = "active", pgettext_lazy("cycle status", "Active")
    CLOSED = "closed", pgettext_lazy("cycle status", "Closed")
    # A closed cycle an admin opened again to correct it: editable, but not the active cycle.
    REOPENED = "reopened", _("Reopened")


class Cycle(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=CycleKind.choices, default=CycleKind.QUARTER)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.PLANNED)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        constraints = [
            # At most one active cycle per workspace.
            models.UniqueConstraint(
                fields=["workspace"],
                condition=Q(status="active", deleted_at__isnull=True),
                name="cycle_one_active",
            )
        ]
        indexes = [models.Index(fields=["workspace", "-start_date"], name="cycle_list")]

    @property
    def read_only(self) -> bool:
        return self.status == CycleStatus.CLOSED

    @property
    def awaiting_close(self) -> bool:
        """Its end date has passed but nobody closed it: time to score it and close it."""
        return self.status != CycleStatus.CLOSED and self.end_date < timezone.localdate()

    def __str__(self) -> str:
        return self.name


class ObjectiveLevel(models.TextChoices):
    COMPANY = "company", _("Company")
    DEPARTMENT = "department", pgettext_lazy("objective level", "Department")
    TEAM = "team", pgettext_lazy("objective level", "Team")
    PRODUCT = "product", pgettext_lazy("objective level", "Product")
    PERSONAL = "personal", _("Personal")


# From the top of the tree down: a parent's level comes before its child's (or is the same).
LEVEL_ORDER = [
    ObjectiveLevel.COMPANY,
    ObjectiveLevel.DEPARTMENT,
    ObjectiveLevel.TEAM,
    ObjectiveLevel.PRODUCT,
    ObjectiveLevel.PERSONAL,
]


class Objective(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.RESTRICT, related_name="objectives")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=12, choices=ObjectiveLevel.choices, default=ObjectiveLevel.TEAM)
    # Whose objective it is, by level: the department, team or product; none for company and personal.
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    product = models.ForeignKey("product.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Alignment (对齐): the objective this one contributes to, in the same cycle.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    # Kept current by the services: the weighted mean of the key results' progress (0–100), and of
    # every key result of the subtree (the roll-up); null while there is none.
    progress = models.FloatField(null=True, blank=True)
    rolled_up = models.FloatField(null=True, blank=True)
    # End of cycle (评分): the owner's self-assessment, a reviewer's note, and the objective's score
    # (0.0–1.0), computed from its key results' scores.
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    review_note = models.TextField(_("reviewer's assessment"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["cycle", "level", "position", "id"], name="objective_tree"),
            models.Index(fields=["workspace", "owner", "cycle"], name="objective_owner"),
            models.Index(fields=["parent"], name="objective_parent"),
        ]

    def __str__(self) -> str:
        return self.title


class Metric(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENTAGE = "percentage", _("Percentage")
    CURRENCY = "currency", _("Currency")
    YES_NO = "yes_no", _("Yes / no")
    MILESTONE = "milestone", _("Milestones")


class ProgressSource(models.TextChoices):
    CHECK_INS = "check_ins", _("Check-ins")
    WORK_COUNT = "work_count", _("Linked work done, by count")
    WORK_ESTIMATE = "work_estimate", _("Linked work done, by estimate")


class Confidence(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class KeyResult(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(_("title"), max_length=300)
    metric = models.CharField(_("metric"), max_length=12, choices=Metric.choices, default=Metric.NUMBER)
    # Yes / no runs from 0 to 1; a milestone result from 0 to the number of its milestones.
    start_value = models.DecimalField(_("start value"), max_digits=18, decimal_places=4, default=0)
    target_value = models.DecimalField(_("target value"), max_digits=18, decimal_places=4, null=True, blank=True)
    current_value = models.DecimalField(_("current value"), max_digits=18, decimal_places=4, default=0)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    milestones = models.JSONField(_("milestones"), default=list, blank=True)  # their names, in order
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    source = models.CharField(
        _("progress from"), max_length=15, choices=ProgressSource.choices, default=ProgressSource.CHECK_INS
    )
    # Kept current by the services: 0–100, from the values or from the linked work.
    progress = models.FloatField(default=0)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, blank=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    # End of cycle: the owner's score and a reviewer's (0.0–1.0). The reviewer's counts when given.
    self_score = models.DecimalField(_("self score"), max_digits=3, decimal_places=2, null=True, blank=True)
    review_score = models.DecimalField(_("reviewer's score"), max_digits=3, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["objective", "position", "id"], name="key_result_order"),
            models.Index(fields=["workspace", "owner"], name="key_result_owner"),
            # The reminder scan's candidates: a workspace's key results due in a range of dates.
            models.Index(fields=["workspace", "due_date"], name="key_result_due"),
        ]

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    """One check-in (进展更新) of a key result: kept for ever, the history chart is drawn from them."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    progress = models.FloatField()  # the key result's progress after this check-in
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key_result", "created_at", "id"], name="check_in_history")]


class LinkKind(models.TextChoices):
    PROJECT = "project", pgettext_lazy("link kind", "Project")
    REQUIREMENT = "requirement", pgettext_lazy("link kind", "Requirement")
    WORK_ITEM = "work_item", pgettext_lazy("link kind", "Work item")


class KeyResultLink(models.Model):
    """Work that moves a key result: a project (all its items), a requirement (the items that
    implement it) or one work item."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=12, choices=LinkKind.choices)
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(
        "product.Requirement", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    work_item = models.ForeignKey(
        "projects.WorkItem", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key_result", "project"], name="kr_link_project_once"),
            models.UniqueConstraint(fields=["key_result", "requirement"], name="kr_link_requirement_once"),
            models.UniqueConstraint(fields=["key_result", "work_item"], name="kr_link_item_once"),
        ]
        indexes = [
            models.Index(fields=["project"], name="kr_link_project"),
            models.Index(fields=["requirement"], name="kr_link_requirement"),
            models.Index(fields=["work_item"], name="kr_link_item"),
        ]
