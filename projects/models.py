"""Projects and their work: charter, members, milestones, workflows, custom fields, work items,
dependencies, logged time and saved views."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import SoftDeleteModel, VersionedModel


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Health(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class Template(models.TextChoices):
    SCRUM = "scrum", _("Scrum")
    KANBAN = "kanban", _("Kanban")
    BUGS = "bugs", _("Bug tracking")


class Project(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="projects")
    key = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    template = models.CharField(max_length=20, choices=Template.choices, default=Template.SCRUM)
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING)
    start_date = models.DateField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    # The kickoff charter (立项).
    background = models.TextField(blank=True)
    goals = models.TextField(blank=True)
    scope_in = models.TextField(blank=True)
    scope_out = models.TextField(blank=True)
    target_users = models.TextField(blank=True)
    deliverables = models.TextField(blank=True)
    success_criteria = models.TextField(blank=True)
    stakeholders = models.TextField(blank=True)
    # Health is computed; a manager may override it, with a reason.
    health_override = models.CharField(max_length=20, choices=Health.choices, blank=True)
    health_reason = models.TextField(blank=True)
    # The next item number: only ever goes up, so a key is never reused.
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="project_key_once")]
        indexes = [models.Index(fields=["workspace", "-id"], name="project_list")]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class ProjectRole(models.TextChoices):
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")


class ProjectMember(VersionedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="project_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships")
    role = models.CharField(max_length=20, choices=ProjectRole.choices, default=ProjectRole.MEMBER)
    # Hours a week this person gives the project: resource allocation compares work against it.
    weekly_hours = models.DecimalField(max_digits=5, decimal_places=1, default=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="project_member_once")]
        indexes = [models.Index(fields=["user", "project"], name="project_member_user")]

    def __str__(self) -> str:
        return f"{self.project.key}: {self.user}"


class Milestone(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_date = models.DateField()
    done = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["project", "due_date"], name="milestone_project")]

    def __str__(self) -> str:
        return self.name


class ItemType(models.TextChoices):
    EPIC = "epic", _("Epic")
    STORY = "story", _("Story")
    TASK = "task", _("Task")
    BUG = "bug", _("Bug")
    SUBTASK = "subtask", _("Sub-task")


class Category(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


PRIORITY_ORDER = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}


class Workflow(VersionedModel):
    """The states and transitions of the item types it lists, in one project."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="workflows")
    name = models.CharField(max_length=100)
    item_types = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.name


class State(VersionedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="states")
    name = models.CharField(max_length=60)
    category = models.CharField(max_length=20, choices=Category.choices)
    position = models.PositiveIntegerField(default=0)
    wip_limit = models.PositiveIntegerField(null=True, blank=True)
    # Fields an item must have to enter this state (e.g. a resolution to close a bug).
    required_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Transition(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="transitions")
    source = models.ForeignKey(State, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(State, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="transition_once")]


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    SELECT = "select", _("Single select")
    MULTI_SELECT = "multi_select", _("Multi select")
    USER = "user", _("User")


class CustomField(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="custom_fields")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=FieldKind.choices)
    # For select kinds: [{"id": 1, "label": "iOS"}, …]; ids are never reused within the field.
    options = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class WorkItem(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()
    type = models.CharField(max_length=20, choices=ItemType.choices, default=ItemType.TASK)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    description_html = models.TextField(blank=True)
    state = models.ForeignKey(State, on_delete=models.RESTRICT, related_name="items")
    # The state's category, copied so that "open work" queries need no join.
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.TODO)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_items")
    collaborators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="collaborating_items")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    priority_rank = models.PositiveSmallIntegerField(default=2)  # sortable form of priority
    # The item's place on the board, among the cards of its column: the board orders cards by this
    # rank, then priority, then id (projects.services.board places a dropped card between two).
    # New items have 0, so they come first, by priority, until someone places them.
    board_rank = models.BigIntegerField(default=0)
    points = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    estimate_hours = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    logged_hours = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    sprint = models.ForeignKey("sprints.Sprint", null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    tags = models.JSONField(default=list, blank=True)
    custom = models.JSONField(default=dict, blank=True)
    resolution = models.CharField(max_length=100, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="item_number_once")]
        indexes = [
            models.Index(fields=["project", "-id"], name="item_project"),
            models.Index(fields=["project", "state", "-id"], name="item_state"),
            models.Index(fields=["project", "owner", "-id"], name="item_project_owner"),
            models.Index(fields=["sprint", "-id"], name="item_sprint"),
            models.Index(fields=["workspace", "owner", "category", "due_date"], name="item_my_work"),
            models.Index(fields=["workspace", "category", "due_date"], name="item_due"),
            models.Index(fields=["project", "due_date"], name="item_schedule"),
            # The search's newest first (core.search); its title match has a trigram index on PostgreSQL.
            models.Index(fields=["workspace", "-updated_at", "-id"], name="item_recent"),
        ]

    @property
    def key(self) -> str:
        return f"{self.project.key}-{self.number}"

    def __str__(self) -> str:
        return f"{self.key} {self.title}"


class ItemRedirect(models.Model):
    """The key an item had before it moved to another project: the old key still finds it."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="redirect_once")]


class Dependency(models.Model):
    """`blocker` blocks `blocked`: `blocked` cannot finish before `blocker`."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    blocker = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="blocks_links")
    blocked = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="blocked_by_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="dependency_once")]
        indexes = [models.Index(fields=["blocked"], name="dependency_blocked")]


class TimeLog(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="time_logs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    day = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["item", "-id"], name="timelog_item")]


class SavedView(VersionedModel, SoftDeleteModel):
    """A named filter of a project's items; shared views are seen by everyone in the project."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="saved_views")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    shared = models.BooleanField(default=False)
    # The list's query parameters, checked against the allow list when saved.
    query: Any = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.name
