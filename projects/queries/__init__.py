"""Reads of projects and work items, scoped workspace → project → object (SECURITY.md rule 1)."""

import datetime
import re
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import NotFound
from core.permissions import Role, require
from core.registry import get_type
from projects.access import Level, level_for, level_of
from projects.models import (
    Category,
    CustomField,
    Dependency,
    ItemRedirect,
    Milestone,
    Project,
    ProjectMember,
    SavedView,
    State,
    TimeLog,
    Transition,
    Workflow,
    WorkItem,
)

if TYPE_CHECKING:
    from accounts.models import Membership

ITEM_KEY = re.compile(r"^([A-Z][A-Z0-9]{1,9})-([0-9]{1,9})$")


def visible_project_filter(actor: "Membership", prefix: str) -> Q:
    """Guests see only the projects they belong to; everyone else sees the workspace's projects."""
    if actor.role != Role.GUEST:
        return Q()
    return Q(**{f"{prefix}project_members__user_id": actor.user_id})


def _my_role(actor: "Membership") -> Subquery:
    return Subquery(ProjectMember.objects.filter(project=OuterRef("pk"), user_id=actor.user_id).values("role")[:1])


def projects_for(actor: "Membership", *, status: str | None = None, q: str | None = None) -> models.QuerySet[Project]:
    require(actor, "project.view")
    qs = Project.objects.filter(workspace_id=actor.workspace_id).filter(visible_project_filter(actor, ""))
    qs = with_health_metrics(qs.annotate(my_role=_my_role(actor)))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(key__icontains=q))
    return qs


def _count(qs: models.QuerySet) -> Any:
    return Coalesce(Subquery(qs.order_by().values("project").annotate(n=Count("*")).values("n")[:1]), 0)


def with_health_metrics(qs: models.QuerySet[Project], today: datetime.date | None = None) -> models.QuerySet[Project]:
    """What health is computed from, as columns of the same query (no query per project)."""
    today = today or timezone.localdate()
    open_items = WorkItem.objects.filter(project=OuterRef("pk")).exclude(category=Category.DONE)
    blocked = open_items.filter(
        Exists(
            Dependency.objects.filter(blocked=OuterRef("pk"), blocker__deleted_at__isnull=True).exclude(
                blocker__category=Category.DONE
            )
        )
    )
    late_milestones = Milestone.objects.filter(project=OuterRef("pk"), done=False, due_date__lt=today)
    return qs.annotate(
        open_count=_count(open_items),
        overdue_count=_count(open_items.filter(due_date__lt=today)),
        blocked_count=_count(blocked),
        late_milestone_count=_count(late_milestones),
    )


def _with_access(actor: "Membership", project: Project | None) -> Project:
    if project is None:
        raise NotFound()
    project.access = level_of(actor, getattr(project, "my_role", None))  # type: ignore[attr-defined]
    if project.access < Level.VIEW:  # type: ignore[attr-defined]
        raise NotFound()
    return project


def get_project(actor: "Membership", key: str, *, metrics: bool = False) -> Project:
    """The project with this key in the actor's workspace, with `access` set; NotFound otherwise."""
    require(actor, "project.view")
    qs = Project.objects.filter(workspace_id=actor.workspace_id, key=key).annotate(my_role=_my_role(actor))
    if metrics:
        qs = with_health_metrics(qs)
    return _with_access(actor, qs.select_related("workspace").first())


def get_project_by_id(actor: "Membership", project_id: int) -> Project:
    qs = Project.objects.filter(workspace_id=actor.workspace_id, pk=project_id).annotate(my_role=_my_role(actor))
    return _with_access(actor, qs.select_related("workspace").first())


def members_of(project: Project) -> models.QuerySet[ProjectMember]:
    return ProjectMember.objects.filter(project=project).select_related("user")


def workers_of(project: Project) -> list[ProjectMember]:
    """The project's members who may work in it (Level.WORK) and are still in its workspace: whom a
    sprint's capacity is planned for. Viewers only read, so they have no capacity; a guest who is a
    member of the project works in it like anyone else. `workspace_role` is set on each."""
    from accounts.models import Membership

    role_in_workspace = Membership.objects.filter(
        workspace_id=project.workspace_id, user_id=OuterRef("user_id"), removed_at__isnull=True
    ).values("role")[:1]
    members = (
        ProjectMember.objects.filter(project=project)
        .annotate(workspace_role=Subquery(role_in_workspace))
        .filter(workspace_role__isnull=False)
        .select_related("user")
        .order_by("user__display_name", "id")
    )
    return [m for m in members if level_for(m.workspace_role, m.role) >= Level.WORK]


def get_project_member(project: Project, member_id: int) -> ProjectMember:
    member = members_of(project).filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    return member


def milestones_of(project: Project) -> models.QuerySet[Milestone]:
    return Milestone.objects.filter(project=project)


# A work item's sprint belongs to the sprints app, which sits above projects: it is read through the
# "sprint" type that sprints registers, not imported. SPRINT_CLOSED is sprints' SprintStatus.CLOSED
# (sprints/tests/test_services.py holds the two together).
SPRINT_CLOSED = "closed"


def sprints_of(project: Project) -> models.QuerySet[Any]:
    return get_type("sprint").model._default_manager.filter(project=project)


def _in_visible_project(actor: "Membership", qs: models.QuerySet, pk: int) -> Any:
    """The row `pk` of `qs` in the actor's workspace, with its project loaded (and `access` set);
    NotFound if either is out of reach."""
    obj = qs.filter(workspace_id=actor.workspace_id, pk=pk).first()
    if obj is None:
        raise NotFound()
    obj.project = get_project_by_id(actor, obj.project_id)
    return obj


def get_milestone(actor: "Membership", milestone_id: int) -> Milestone:
    return _in_visible_project(actor, Milestone.objects.all(), milestone_id)


def workflows_of(project: Project) -> models.QuerySet[Workflow]:
    return Workflow.objects.filter(project=project).prefetch_related("states", "transitions")


def get_workflow(actor: "Membership", workflow_id: int) -> Workflow:
    return _in_visible_project(actor, Workflow.objects.all(), workflow_id)


def get_state(actor: "Membership", state_id: int) -> State:
    state = State.objects.filter(workspace_id=actor.workspace_id, pk=state_id).select_related("workflow").first()
    if state is None:
        raise NotFound()
    state.workflow.project = get_project_by_id(actor, state.workflow.project_id)
    return state


def states_of(project: Project) -> models.QuerySet[State]:
    return State.objects.filter(workflow__project=project).select_related("workflow")


def fields_of(project: Project) -> models.QuerySet[CustomField]:
    return CustomField.objects.filter(project=project)


def get_field(actor: "Membership", field_id: int) -> CustomField:
    return _in_visible_project(actor, CustomField.objects.all(), field_id)


# --- Work items ---------------------------------------------------------------------------------

ITEM_RELATED = ("project", "state", "owner", "sprint", "milestone", "parent__project")


def items_of(project: Project) -> models.QuerySet[WorkItem]:
    return WorkItem.objects.filter(project=project).select_related(*ITEM_RELATED)


def get_item(actor: "Membership", key: str, *, related: tuple[str, ...] = ITEM_RELATED) -> WorkItem:
    """The item with this key, or the item that moved away from it; `project.access` is set.
    `related` names what to join (the API needs only the state and the owner)."""
    match = ITEM_KEY.match(key)
    if not match:
        raise NotFound()
    project = get_project(actor, match.group(1))
    number = int(match.group(2))
    item = WorkItem.objects.filter(project=project, number=number).select_related(*related).first()
    if item is None:
        redirect = ItemRedirect.objects.filter(project=project, number=number).values("item_id").first()
        if redirect is None:
            raise NotFound()
        item = WorkItem.objects.select_related(*related).filter(pk=redirect["item_id"]).first()
        if item is None:
            raise NotFound()
        project = get_project_by_id(actor, item.project_id)
    item.project = project
    return item


def project_id_for_key(actor: "Membership", key: str) -> int | None:
    """The id of the project with this key ("WEB"), if the actor may see it: links name it so."""
    try:
        return get_project(actor, key.strip().upper()).pk
    except NotFound:
        return None


def item_id_for_key(actor: "Membership", key: str) -> int | None:
    """The id of the item this key ("WEB-12", or a key it had before it moved) names, if the actor
    may see it: links name their target so."""
    key = key.strip().upper()
    match = ITEM_KEY.match(key)
    if not match:
        return None
    try:
        project = get_project(actor, match.group(1))
    except NotFound:
        return None
    # Only the id: the palette and the pickers look keys up as people type.
    found = WorkItem.objects.filter(project=project, number=int(match.group(2))).values_list("pk", flat=True).first()
    if found is not None:
        return found
    try:
        return get_item(actor, key, related=()).pk  # a key the item had before it moved
    except NotFound:
        return None


def get_item_by_id(actor: "Membership", item_id: int) -> WorkItem:
    return _in_visible_project(actor, WorkItem.objects.select_related(*ITEM_RELATED), item_id)


def dependencies_of(item: WorkItem) -> tuple[list[WorkItem], list[WorkItem]]:
    """(items this one blocks, items blocking this one), alive only."""
    links = Dependency.objects.filter(Q(blocker=item) | Q(blocked=item)).select_related(
        "blocker__project", "blocked__project", "blocker__state", "blocked__state"
    )
    blocks = [d.blocked for d in links if d.blocker_id == item.pk and d.blocked.deleted_at is None]
    blocked_by = [d.blocker for d in links if d.blocked_id == item.pk and d.blocker.deleted_at is None]
    return blocks, blocked_by


def _brief(prefix: str) -> list[str]:
    return [f"{prefix}id", f"{prefix}number", f"{prefix}project__key", f"{prefix}title", f"{prefix}category"]


def _brief_of(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {
        "id": row[f"{prefix}id"],
        "key": f"{row[prefix + 'project__key']}-{row[prefix + 'number']}",
        "title": row[f"{prefix}title"],
        "category": row[f"{prefix}category"],
    }


def linked_briefs(item: WorkItem) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(blocks, blocked by, children) of an item as {id, key, title, category}, alive only: the
    item page of the API in two light queries."""
    links = Dependency.objects.filter(Q(blocker=item) | Q(blocked=item)).filter(
        blocker__deleted_at__isnull=True, blocked__deleted_at__isnull=True
    )
    blocks, blocked_by = [], []
    for row in links.values("blocker_id", *_brief("blocked__"), *_brief("blocker__")).order_by("id"):
        if row["blocker_id"] == item.pk:
            blocks.append(_brief_of(row, "blocked__"))
        else:
            blocked_by.append(_brief_of(row, "blocker__"))
    children = [_brief_of(r, "") for r in WorkItem.objects.filter(parent=item).order_by("number").values(*_brief(""))]
    return blocks, blocked_by, children


def children_of(item: WorkItem) -> models.QuerySet[WorkItem]:
    return WorkItem.objects.filter(parent=item).select_related("project", "state", "owner")


def time_logs_of(item: WorkItem) -> models.QuerySet[TimeLog]:
    return TimeLog.objects.filter(item=item).select_related("user")


def my_work(actor: "Membership") -> models.QuerySet[WorkItem]:
    """Open items the actor owns across the projects they may see (callers order them: overdue
    first, then by due date)."""
    require(actor, "project.view")
    return (
        WorkItem.objects.filter(workspace_id=actor.workspace_id, owner_id=actor.user_id)
        .exclude(category=Category.DONE)
        .filter(visible_project_filter(actor, "project__"))
        .select_related("project", "state", "owner")
    )


def saved_views_of(actor: "Membership", project: Project) -> models.QuerySet[SavedView]:
    return SavedView.objects.filter(project=project).filter(Q(shared=True) | Q(owner_id=actor.user_id))


def get_saved_view(actor: "Membership", view_id: int) -> SavedView:
    """A shared view, or one of the actor's own."""
    mine_or_shared = SavedView.objects.filter(Q(shared=True) | Q(owner_id=actor.user_id))
    return _in_visible_project(actor, mine_or_shared, view_id)


# --- Lists as plain rows: a 100-item page is read and serialised without building models -----------

ITEM_COLUMNS = (
    "id",
    "number",
    "project__key",
    "type",
    "title",
    "state_id",
    "state__name",
    "state__category",
    "owner_id",
    "owner__username",
    "owner__display_name",
    "priority",
    "points",
    "estimate_hours",
    "start_date",
    "due_date",
    "parent_id",
    "sprint_id",
    "milestone_id",
    "tags",
    "version",
    "updated_at",
)


def item_rows(qs: models.QuerySet[WorkItem], *extra: str) -> models.QuerySet:
    """`qs` as dicts with the columns of a list row (and the sort keys in `extra`)."""
    return qs.values(*ITEM_COLUMNS, *extra)


def item_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """The API form of one row of item_rows (the shape of projects.schemas.ItemRowOut)."""
    return {
        "id": row["id"],
        "key": f"{row['project__key']}-{row['number']}",
        "type": row["type"],
        "title": row["title"],
        "state": {"id": row["state_id"], "name": row["state__name"], "category": row["state__category"]},
        "owner": {
            "id": row["owner_id"],
            "username": row["owner__username"],
            "display_name": row["owner__display_name"],
        },
        "priority": row["priority"],
        "points": row["points"],
        "estimate_hours": row["estimate_hours"],
        "start_date": row["start_date"],
        "due_date": row["due_date"],
        "parent_id": row["parent_id"],
        "sprint_id": row["sprint_id"],
        "milestone_id": row["milestone_id"],
        "tags": row["tags"],
        "version": row["version"],
        "updated_at": row["updated_at"],
    }


def transition_targets(item: WorkItem) -> list[State]:
    """The states the workflow allows the item to move to from where it is."""
    ids = Transition.objects.filter(source_id=item.state_id).values("target_id")
    return list(State.objects.filter(pk__in=ids).order_by("position", "id"))


def workflow_states(item: WorkItem) -> list[State]:
    return list(State.objects.filter(workflow_id=item.state.workflow_id).order_by("position", "id"))


def item_id_in(project: Project, number: int) -> int | None:
    """The id of the project's item with this number, if there is one."""
    row = WorkItem.objects.filter(project=project, number=number).values("pk").first()
    return int(row["pk"]) if row else None
