"""Writes to work items: create, edit, transition under the workflow's rules, move between
projects, bulk edit, dependencies, logged time and saved views."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks, markdown
from core.activity import diff, record, snapshot
from core.errors import NotFound, ValidationFailed
from core.models import Watcher
from core.services import soft_delete
from core.versioning import save_versioned
from notify.events import emit
from projects.access import Level, require_level
from projects.hooks import StateMove, WorkItemsChanged, WorkItemStatesChanged
from projects.models import (
    PRIORITY_ORDER,
    Category,
    CustomField,
    Dependency,
    FieldKind,
    ItemRedirect,
    ItemType,
    Milestone,
    Priority,
    Project,
    SavedView,
    State,
    TimeLog,
    Transition,
    Workflow,
    WorkItem,
)
from projects.queries import SPRINT_CLOSED, sprints_of
from projects.services import workspace_user

if TYPE_CHECKING:
    from accounts.models import Membership

# What PATCH may change; the state changes only through a transition.
EDITABLE = (
    "title",
    "description",
    "type",
    "owner_id",
    "priority",
    "points",
    "estimate_hours",
    "start_date",
    "due_date",
    "parent_id",
    "sprint_id",
    "milestone_id",
    "tags",
    "custom",
    "resolution",
    "collaborator_ids",
)
HISTORY_FIELDS = [f.removesuffix("_ids") if f.endswith("_ids") else f.removesuffix("_id") for f in EDITABLE]
MAX_TAGS = 20


def _error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed({field: message})


# --- Checks of nested ids: each must belong to the item's project (SECURITY.md rule 1) ----------


def _sprint(project: Project, sprint_id: int | None) -> Any:
    if sprint_id is None:
        return None
    sprint = sprints_of(project).filter(pk=sprint_id).first()
    if sprint is None:
        raise _error("sprint_id", _("Choose a sprint of this project."))
    if sprint.status == SPRINT_CLOSED:
        raise _error("sprint_id", _("This sprint is closed."))
    return sprint


def _milestone(project: Project, milestone_id: int | None) -> Milestone | None:
    if milestone_id is None:
        return None
    milestone = Milestone.objects.filter(project=project, pk=milestone_id).first()
    if milestone is None:
        raise _error("milestone_id", _("Choose a milestone of this project."))
    return milestone


def _parent(project: Project, parent_id: int | None, item: WorkItem | None) -> WorkItem | None:
    if parent_id is None:
        return None
    parent = WorkItem.objects.filter(project=project, pk=parent_id).first()
    if parent is None:
        raise _error("parent_id", _("Choose an item of this project."))
    if item is not None:
        ancestor: WorkItem | None = parent
        for _depth in range(50):
            if ancestor is None:
                break
            if ancestor.pk == item.pk:
                raise _error("parent_id", _("An item cannot be its own ancestor."))
            ancestor = WorkItem.objects.filter(pk=ancestor.parent_id).first() if ancestor.parent_id else None
    return parent


def _decimal(field: str, value: Any, high: int) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _error(field, _("Enter a number.")) from None
    if not number.is_finite() or not Decimal(0) <= number <= high:
        raise _error(field, _("Must be between 0 and %(max)s.") % {"max": high})
    return number.quantize(Decimal("0.1"))


def _tags(tags: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if len(cleaned) > MAX_TAGS or any(len(t) > 40 for t in cleaned):
        raise _error("tags", _("Up to %(n)s tags of up to 40 characters.") % {"n": MAX_TAGS})
    return cleaned


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2**53


def _option_id(field: CustomField, value: Any, name: str) -> int:
    """The id of the option `value` names: its id, or its label (any case), as choices elsewhere."""
    for option in field.options:
        if (_is_id(value) and value == option["id"]) or (
            isinstance(value, str) and value.strip().casefold() == option["label"].casefold()
        ):
            return int(option["id"])
    labels = ", ".join(o["label"] for o in field.options)
    raise _error(name, _("Choose one of: %(choices)s.") % {"choices": labels})


def _custom(actor: "Membership", project: Project, values: dict[str, Any]) -> dict[str, Any]:
    """Values keyed by field id, each checked against its field's kind and options."""
    fields = {str(f.pk): f for f in CustomField.objects.filter(project=project)}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        field = fields.get(str(key))
        name = f"custom.{key}"
        if field is None:
            raise _error(name, _("This project has no such field."))
        if value is None or value == "" or value == []:
            continue
        kind = field.kind
        if kind == FieldKind.TEXT:
            if not isinstance(value, str) or len(value) > 1000:
                raise _error(name, _("Enter text of up to 1000 characters."))
        elif kind == FieldKind.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > 1e12:
                raise _error(name, _("Enter a number."))
        elif kind == FieldKind.DATE:
            try:
                value = datetime.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise _error(name, _("Enter a date as YYYY-MM-DD.")) from None
        elif kind == FieldKind.SELECT:
            value = _option_id(field, value, name)
        elif kind == FieldKind.MULTI_SELECT:
            if not isinstance(value, list):
                raise _error(name, _("Choose among this field's options."))
            value = sorted({_option_id(field, v, name) for v in value})
        elif kind == FieldKind.USER:
            if not _is_id(value):
                raise _error(name, _("Choose a member of this workspace."))
            workspace_user(actor, value, name)
        cleaned[str(field.pk)] = value
    return cleaned


def workflow_for(project: Project, item_type: str) -> Workflow:
    for workflow in Workflow.objects.filter(project=project).order_by("id"):
        if item_type in workflow.item_types:
            return workflow
    raise _error("type", _("No workflow of this project covers this type."))


def _initial_state(workflow: Workflow) -> State:
    state = State.objects.filter(workflow=workflow).order_by("position", "id").first()
    if state is None:
        raise _error("type", _("This type's workflow has no states."))
    return state


def _collaborators(actor: "Membership", ids: list[int]) -> list[Any]:
    return [workspace_user(actor, i, "collaborator_ids") for i in dict.fromkeys(ids)]


def _clean(actor: "Membership", project: Project, item: WorkItem | None, changes: dict[str, Any]) -> dict[str, Any]:
    """Checked values for the fields in `changes`, with every nested id resolved in the project."""
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "title":
            value = (value or "").strip()
            if not value:
                raise _error("title", _("This field is required."))
            clean["title"] = value
        elif name == "description":
            clean["description"] = value or ""
            clean["description_html"] = markdown.render(value or "")
        elif name == "type":
            if value not in ItemType.values:
                raise _error("type", _("Choose one of: %(choices)s.") % {"choices": ", ".join(ItemType.values)})
            clean["type"] = value
        elif name == "priority":
            if value not in Priority.values:
                raise _error("priority", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Priority.values)})
            clean["priority"] = value
            clean["priority_rank"] = PRIORITY_ORDER[Priority(value)]
        elif name == "owner_id":
            if value is None:
                raise _error("owner_id", _("An item has exactly one owner."))
            clean["owner"] = workspace_user(actor, value, "owner_id")
        elif name == "points":
            clean["points"] = _decimal("points", value, 1000)
        elif name == "estimate_hours":
            clean["estimate_hours"] = _decimal("estimate_hours", value, 10000)
        elif name in ("start_date", "due_date", "resolution"):
            clean[name] = value if name != "resolution" else (value or "").strip()
        elif name == "parent_id":
            clean["parent"] = _parent(project, value, item)
        elif name == "sprint_id":
            clean["sprint"] = _sprint(project, value)
        elif name == "milestone_id":
            clean["milestone"] = _milestone(project, value)
        elif name == "tags":
            clean["tags"] = _tags(value or [])
        elif name == "custom":
            clean["custom"] = _custom(actor, project, value or {})
        elif name == "collaborator_ids":
            clean["collaborators"] = _collaborators(actor, value or [])
        else:
            raise _error(name, _("This field is not allowed here."))
    start = clean.get("start_date", item.start_date if item else None)
    due = clean.get("due_date", item.due_date if item else None)
    if start and due and due < start:
        raise _error("due_date", _("Must not be before the start date."))
    return clean


def _require_parent_of_sub_task(item: WorkItem | None, clean: dict[str, Any]) -> None:
    """A sub-task is a piece of another item: it never stands without its parent."""
    item_type = clean.get("type", item.type if item else None)
    has_parent = clean["parent"] is not None if "parent" in clean else bool(item and item.parent_id)
    if item_type == ItemType.SUBTASK and not has_parent:
        raise _error("parent_id", _("A sub-task needs a parent item."))


def create_item(actor: "Membership", project: Project, *, title: str, **fields: Any) -> WorkItem:
    """A new item starts in the first state of its type's workflow, owned by the actor unless
    another owner is named, watched by its owner and creator."""
    require_level(actor, project, Level.WORK)
    fields.setdefault("type", ItemType.TASK)
    fields.setdefault("owner_id", actor.user_id)
    clean = _clean(actor, project, None, {"title": title, **fields})
    _require_parent_of_sub_task(None, clean)
    collaborators = clean.pop("collaborators", [])
    state = _initial_state(workflow_for(project, clean["type"]))
    with transaction.atomic():
        # The counter is taken under a row update, so two creators never get the same number.
        Project.objects.filter(pk=project.pk).update(next_number=F("next_number") + 1)
        number = Project.objects.filter(pk=project.pk).values_list("next_number", flat=True).get() - 1
        item = WorkItem.objects.create(
            workspace_id=project.workspace_id,
            project=project,
            number=number,
            state=state,
            category=state.category,
            done_at=timezone.now() if state.category == Category.DONE else None,
            **clean,
        )
        if collaborators:
            item.collaborators.set(collaborators)
        watchers = {actor.user_id, item.owner_id}
        Watcher.objects.bulk_create(
            [
                Watcher(workspace_id=project.workspace_id, target_type="work_item", target_id=item.pk, user_id=u)
                for u in watchers
            ],
            ignore_conflicts=True,
        )
        record(actor, "created", item, snapshot(item, ["title", "type", "owner", "priority", "state"]))
        item.project = project
        emit("work_item.assigned", actor=actor, target=item)
        hooks.emit("work_item.created", WorkItemsChanged(actor, (item.pk,)))
    return item


def _reassigned(actor: "Membership", item: WorkItem) -> None:
    """The new owner watches the item and is told."""
    Watcher.objects.get_or_create(
        workspace_id=item.workspace_id, target_type="work_item", target_id=item.pk, user_id=item.owner_id
    )
    emit("work_item.assigned", actor=actor, target=item)


def _history(item: WorkItem, fields: list[str]) -> dict[str, Any]:
    values = snapshot(item, [f for f in fields if f != "collaborators"])
    if "collaborators" in fields:
        values["collaborators"] = sorted(item.collaborators.values_list("pk", flat=True))
    return values


def update_item(actor: "Membership", item: WorkItem, *, version: int, **changes: Any) -> WorkItem:
    require_level(actor, item.project, Level.WORK)
    clean = _clean(actor, item.project, item, changes)
    _require_parent_of_sub_task(item, clean)
    collaborators = clean.pop("collaborators", None)
    fields = list(clean)
    history_fields = [f for f in fields if f in HISTORY_FIELDS] + (
        ["collaborators"] if collaborators is not None else []
    )
    if "type" in clean and workflow_for(item.project, clean["type"]).pk != item.state.workflow_id:
        raise _error("type", _("This type follows another workflow: move the item to a state of it first."))
    before = _history(item, history_fields)
    with transaction.atomic():
        for name, value in clean.items():
            setattr(item, name, value)
        save_versioned(item, expected_version=version, fields=fields)
        if collaborators is not None:
            item.collaborators.set(collaborators)
        changed = diff(before, _history(item, history_fields))
        record(actor, "updated", item, changed)
        if "owner" in changed:
            _reassigned(actor, item)
        if "points" in clean or "estimate_hours" in clean:
            hooks.emit("work_item.estimate_changed", WorkItemsChanged(actor, (item.pk,)))
    return item


# --- Transitions ---------------------------------------------------------------------------------


def _missing_for(state: State, item: WorkItem) -> list[str]:
    missing = []
    for field in state.required_fields:
        value = getattr(item, field + "_id" if field in ("milestone", "sprint") else field)
        if value in (None, ""):
            missing.append(field)
    return missing


def check_transition(item: WorkItem, target: State) -> None:
    """Refuse, with the reason, a move the workflow does not allow or whose rules are not met."""
    if target.workflow_id != item.state.workflow_id:
        raise _error("state_id", _("Choose a state of this item's workflow."))
    if target.pk == item.state_id:
        return
    allowed = Transition.objects.filter(source_id=item.state_id, target=target).exists()
    if not allowed:
        raise _error(
            "state_id",
            _("The workflow does not allow moving from “%(source)s” to “%(target)s”.")
            % {"source": item.state.name, "target": target.name},
        )
    missing = _missing_for(target, item)
    if missing:
        raise ValidationFailed({f: _("Required to enter “%(state)s”.") % {"state": target.name} for f in missing})


def wip_warning(target: State, *, adding: int = 1) -> str | None:
    """WIP limits warn and do not refuse: the team decides."""
    if target.wip_limit is None:
        return None
    count = WorkItem.objects.filter(state=target).count() + adding
    if count > target.wip_limit:
        return _("“%(state)s” now holds %(count)s items, over its WIP limit of %(limit)s.") % {
            "state": target.name,
            "count": count,
            "limit": target.wip_limit,
        }
    return None


def transition(
    actor: "Membership",
    item: WorkItem,
    *,
    state_id: int,
    version: int | None = None,
    resolution: str | None = None,
) -> tuple[WorkItem, list[str]]:
    """Move the item to another state; returns it and any warnings (WIP limit)."""
    require_level(actor, item.project, Level.WORK)
    target = State.objects.filter(workflow__project=item.project, pk=state_id).first()
    if target is None:
        raise _error("state_id", _("Choose a state of this item's workflow."))
    fields = ["state", "category", "done_at"]
    if resolution is not None:
        item.resolution = resolution.strip()
        fields.append("resolution")
    check_transition(item, target)
    if target.pk == item.state_id and resolution is None:
        return item, []  # already there: nothing to write or record
    warnings = [w for w in [wip_warning(target)] if w]
    before = {"state": item.state.name}
    moved = target.pk != item.state_id
    with transaction.atomic():
        was = item.category
        was_done = was == Category.DONE
        item.state, item.category = target, target.category
        if target.category == Category.DONE and not was_done:
            item.done_at = timezone.now()
        elif target.category != Category.DONE:
            item.done_at = None
        save_versioned(item, expected_version=version if version is not None else item.version, fields=fields)
        changes: dict[str, list[Any]] = {"state": [before["state"], target.name]}
        if resolution is not None:
            changes["resolution"] = [None, item.resolution]
        record(actor, "transitioned", item, changes)
        emit("work_item.status_changed", actor=actor, target=item, context={"state": target.name})
        if moved:
            move = StateMove(item.pk, was=Category(was), now=Category(target.category))
            hooks.emit("work_item.state_changed", WorkItemStatesChanged(actor, (move,)))
    return item, warnings


def move_item_to(actor: "Membership", item: WorkItem, *, project_key: str, version: int) -> WorkItem:
    """move_item to the project with this key: an unknown key is a field error."""
    from projects.queries import get_project

    require_level(actor, item.project, Level.WORK)
    try:
        project = get_project(actor, project_key)
    except NotFound:
        raise _error("project", _("No project with this key.")) from None
    return move_item(actor, item, project=project, version=version)


def move_item(actor: "Membership", item: WorkItem, *, project: Project, version: int) -> WorkItem:
    """Give the item a key in another project; its history stays and the old key redirects."""
    require_level(actor, item.project, Level.WORK)
    require_level(actor, project, Level.WORK)
    if project.pk == item.project_id:
        raise _error("project", _("The item is already in this project."))
    # A parent stays in its project: moving would leave a sub-task without one.
    if item.type == ItemType.SUBTASK:
        raise _error("project", _("A sub-task stays with its parent: make it a task first."))
    if WorkItem.objects.filter(parent=item, type=ItemType.SUBTASK).exists():
        raise _error("project", _("This item has sub-tasks: move them under another item or make them tasks first."))
    state = _initial_state(workflow_for(project, item.type))
    old_project, old_number, old_key = item.project, item.number, item.key
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(next_number=F("next_number") + 1)
        number = Project.objects.filter(pk=project.pk).values_list("next_number", flat=True).get() - 1
        ItemRedirect.objects.create(workspace_id=item.workspace_id, project=old_project, number=old_number, item=item)
        item.project, item.number, item.state, item.category = project, number, state, state.category
        # Project-scoped links do not travel.
        item.sprint, item.milestone, item.parent, item.custom = None, None, None, {}
        save_versioned(
            item,
            expected_version=version,
            fields=["project", "number", "state", "category", "sprint", "milestone", "parent", "custom"],
        )
        WorkItem.objects.filter(parent=item).update(parent=None)
        record(actor, "moved", item, {"key": [old_key, item.key]})
        hooks.emit("work_item.moved", WorkItemsChanged(actor, (item.pk,), from_project_ids=(old_project.pk,)))
    return item


BULK_FIELDS = ("state_id", "owner_id", "priority", "sprint_id")


def bulk_update(actor: "Membership", project: Project, *, item_ids: list[int], **changes: Any) -> list[WorkItem]:
    """Set status, owner, priority or sprint on many items at once: all of them or none."""
    require_level(actor, project, Level.WORK)
    if not changes:
        raise _error("set", _("Choose what to change."))
    items = list(WorkItem.objects.filter(project=project, pk__in=item_ids).select_related("project", "state", "owner"))
    if len(items) != len(set(item_ids)):
        raise _error("item_ids", _("Choose items of this project."))
    state_id = changes.pop("state_id", None)
    clean = _clean(actor, project, None, changes)
    target = None
    if state_id is not None:
        target = State.objects.filter(workflow__project=project, pk=state_id).first()
        if target is None:
            raise _error("state_id", _("Choose a state of this project."))
        refused = {}
        for item in items:
            try:
                check_transition(item, target)
            except ValidationFailed as e:
                refused[item.key] = "; ".join(f"{f}: {' '.join(m)}" for f, m in e.errors.items())
        if refused:
            raise ValidationFailed({"state_id": [f"{k} — {v}" for k, v in refused.items()]})
    with transaction.atomic():
        moves = []
        for item in items:
            history = [f for f in clean if f in HISTORY_FIELDS]
            before = _history(item, history)
            for name, value in clean.items():
                setattr(item, name, value)
            fields = list(clean)
            changes_seen = diff(before, _history(item, history))
            if target is not None and target.pk != item.state_id:
                changes_seen["state"] = [item.state.name, target.name]
                was_done = item.category == Category.DONE
                moves.append(StateMove(item.pk, was=Category(item.category), now=Category(target.category)))
                item.state, item.category = target, target.category
                if target.category == Category.DONE and not was_done:
                    item.done_at = timezone.now()
                elif target.category != Category.DONE:
                    item.done_at = None
                fields += ["state", "category", "done_at"]
            if not fields:
                continue
            save_versioned(item, expected_version=item.version, fields=fields)
            if changes_seen:
                record(actor, "updated", item, changes_seen)
            if "owner" in changes_seen:
                _reassigned(actor, item)
            if "state" in changes_seen:
                emit("work_item.status_changed", actor=actor, target=item, context={"state": item.state.name})
        if moves:
            hooks.emit("work_item.state_changed", WorkItemStatesChanged(actor, tuple(moves)))
    return items


def delete_item(actor: "Membership", item: WorkItem) -> None:
    require_level(actor, item.project, Level.WORK)
    with transaction.atomic():
        soft_delete(actor, item)
        hooks.emit("work_item.deleted", WorkItemsChanged(actor, (item.pk,)))


# --- Dependencies --------------------------------------------------------------------------------


def _reaches(start_id: int, goal_id: int) -> bool:
    """Whether `goal` is reachable from `start` following "blocks" links (a cycle would form)."""
    seen, frontier = {start_id}, [start_id]
    while frontier:
        following = list(Dependency.objects.filter(blocker_id__in=frontier).values_list("blocked_id", flat=True))
        if goal_id in following:
            return True
        frontier = [i for i in following if i not in seen]
        seen.update(frontier)
        if len(seen) > 10000:
            return True  # refuse rather than walk forever
    return False


# Who may change dependencies: a dependency marks the blocked item as waiting, so adding or removing
# one needs the right to work on the blocked item; seeing the blocker is enough (saying that my item
# waits for yours changes nothing of yours). From an item's page or endpoint, the caller must also
# work on that item, whichever end it is: its dependencies are what changes there.


def add_dependency(actor: "Membership", blocker: WorkItem, blocked: WorkItem) -> Dependency:
    """`blocker` blocks `blocked`. Both in the actor's workspace; cycles are refused."""
    require_level(actor, blocker.project, Level.VIEW)
    require_level(actor, blocked.project, Level.WORK)
    if blocker.pk == blocked.pk:
        raise _error("blocked_by", _("An item cannot block itself."))
    if Dependency.objects.filter(blocker=blocker, blocked=blocked).exists():
        raise _error("blocked_by", _("This dependency already exists."))
    if _reaches(blocked.pk, blocker.pk):
        raise _error(
            "blocked_by",
            _("%(a)s already depends on %(b)s: this would make a cycle.") % {"a": blocker.key, "b": blocked.key},
        )
    with transaction.atomic():
        link = Dependency.objects.create(workspace_id=actor.workspace_id, blocker=blocker, blocked=blocked)
        record(actor, "dependency_added", blocked, {"blocked_by": [None, blocker.key]})
    return link


def link(
    actor: "Membership", item: WorkItem, *, blocked_by: str | None = None, blocks: str | None = None
) -> Dependency:
    """Link `item` to the item named by key: exactly one of `blocked_by` and `blocks`."""
    from projects.queries import get_item

    require_level(actor, item.project, Level.WORK)
    if bool(blocked_by) == bool(blocks):
        raise _error("blocked_by", _("Name exactly one item: the one blocking this, or the one this blocks."))
    field = "blocked_by" if blocked_by else "blocks"
    try:
        other = get_item(actor, blocked_by or blocks or "")
    except NotFound:
        raise _error(field, _("No item with this key.")) from None
    return add_dependency(actor, other, item) if blocked_by else add_dependency(actor, item, other)


def unlink(actor: "Membership", item: WorkItem, other: WorkItem) -> None:
    """Remove the dependency between the two items, whichever way it points."""
    require_level(actor, item.project, Level.WORK)
    with transaction.atomic():
        links = Dependency.objects.filter(Q(blocker=item, blocked=other) | Q(blocker=other, blocked=item))
        found = list(links.select_related("blocker__project", "blocked"))
        if not found:
            raise _error("other", _("There is no such dependency."))
        for dep in found:  # `item` and `other` carry the caller's access; the loaded ends do not
            require_level(actor, (item if dep.blocked_id == item.pk else other).project, Level.WORK)
        links.delete()
        for dep in found:
            record(actor, "dependency_removed", dep.blocked, {"blocked_by": [dep.blocker.key, None]})


# --- Time ----------------------------------------------------------------------------------------


def log_time(
    actor: "Membership", item: WorkItem, *, hours: Any, day: datetime.date | None = None, note: str = ""
) -> TimeLog:
    require_level(actor, item.project, Level.WORK)
    amount = _decimal("hours", hours, 24)
    if not amount:
        raise _error("hours", _("Must be more than 0."))
    day = day or timezone.localdate()
    if day > timezone.localdate() + datetime.timedelta(days=1):
        raise _error("day", _("Time cannot be logged in the future."))
    with transaction.atomic():
        entry = TimeLog.objects.create(
            workspace_id=actor.workspace_id, item=item, user_id=actor.user_id, hours=amount, day=day, note=note.strip()
        )
        total = TimeLog.objects.filter(item=item).aggregate(total=Sum("hours"))["total"] or 0
        WorkItem.all_objects.filter(pk=item.pk).update(logged_hours=total)
        item.logged_hours = total
        record(actor, "time_logged", item, {"logged_hours": [None, str(amount)]})
    return entry


# --- Saved views ---------------------------------------------------------------------------------


def save_view(
    actor: "Membership", project: Project, *, name: str, query: dict[str, Any], shared: bool = False
) -> SavedView:
    """`query` is checked against the list's allow list first (projects.queries.filters)."""
    from projects.queries.filters import check_query

    require_level(actor, project, Level.WORK if shared else Level.VIEW)
    name = (name or "").strip()
    if not name:
        raise _error("name", _("This field is required."))
    with transaction.atomic():
        return SavedView.objects.create(
            workspace_id=actor.workspace_id,
            project=project,
            owner_id=actor.user_id,
            name=name,
            shared=shared,
            query=check_query(query),
        )


def update_view(actor: "Membership", view: SavedView, *, version: int, **changes: Any) -> SavedView:
    from projects.queries.filters import check_query

    if view.owner_id != actor.user_id:
        require_level(actor, view.project, Level.MANAGE)
    if changes.get("shared"):
        require_level(actor, view.project, Level.WORK)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        if not changes["name"]:
            raise _error("name", _("This field is required."))
    if "query" in changes:
        changes["query"] = check_query(changes["query"])
    fields = [f for f in changes if f in ("name", "shared", "query")]
    with transaction.atomic():
        for name in fields:
            setattr(view, name, changes[name])
        save_versioned(view, expected_version=version, fields=fields)
    return view


def delete_view(actor: "Membership", view: SavedView) -> None:
    if view.owner_id != actor.user_id:
        require_level(actor, view.project, Level.MANAGE)
    SavedView.objects.filter(pk=view.pk).update(deleted_at=timezone.now(), deleted_by=actor.user)
