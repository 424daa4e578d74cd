"""Writes to projects and their set-up: charter, members, milestones, workflows, custom fields.
Each checks the project level first, validates nested ids against the project, writes in a
transaction and records the activity."""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.activity import diff, record, snapshot
from core.errors import ValidationFailed
from core.permissions import require
from core.services import soft_delete
from core.versioning import save_versioned
from projects.access import Level, require_level
from projects.models import (
    Category,
    CustomField,
    FieldKind,
    Health,
    ItemType,
    Milestone,
    Project,
    ProjectMember,
    ProjectRole,
    ProjectStatus,
    SavedView,
    State,
    Template,
    Transition,
    Workflow,
    WorkItem,
)
from projects.services import templates_setup

if TYPE_CHECKING:
    from accounts.models import Membership, User

KEY = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
CHARTER_FIELDS = (
    "background",
    "goals",
    "scope_in",
    "scope_out",
    "target_users",
    "deliverables",
    "success_criteria",
    "stakeholders",
)
PROJECT_FIELDS = ("name", "description", "status", "start_date", "target_date", *CHARTER_FIELDS)
# Fields a state may require of an item entering it.
REQUIRABLE_FIELDS = ("resolution", "points", "estimate_hours", "due_date", "start_date", "milestone", "sprint")


def _choice(field: str, value: str, choices: Any) -> str:
    if value not in choices.values:
        raise ValidationFailed({field: _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}})
    return value


def _required_text(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed({field: _("This field is required.")})
    return value


def _check_dates(start: datetime.date | None, end: datetime.date | None, end_field: str) -> None:
    if start and end and end < start:
        raise ValidationFailed({end_field: _("Must not be before the start date.")})


def workspace_user(actor: "Membership", user_id: int, field: str) -> "User":
    """A person of the actor's workspace (active), or a field error: ids from elsewhere are refused."""
    from accounts.queries import active_member_user

    user = active_member_user(actor.workspace, user_id)
    if user is None:
        raise ValidationFailed({field: _("Choose a member of this workspace.")})
    return user


# --- Projects ------------------------------------------------------------------------------------


def create_project(
    actor: "Membership", *, name: str, key: str, template: str = Template.SCRUM, **fields: Any
) -> Project:
    require(actor, "project.create")
    name = _required_text("name", name)
    key = (key or "").strip().upper()
    if not KEY.match(key):
        raise ValidationFailed({"key": _("Use 2–10 capital letters or digits, starting with a letter.")})
    _choice("template", template, Template)
    if "status" in fields:
        _choice("status", fields["status"], ProjectStatus)
    _check_dates(fields.get("start_date"), fields.get("target_date"), "target_date")
    if Project.all_objects.filter(workspace_id=actor.workspace_id, key=key).exists():
        raise ValidationFailed({"key": _("Another project already uses this key.")})
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in unknown})
    try:
        with transaction.atomic():
            project = Project.objects.create(
                workspace_id=actor.workspace_id, name=name, key=key, template=template, **fields
            )
            ProjectMember.objects.create(
                workspace_id=actor.workspace_id, project=project, user_id=actor.user_id, role=ProjectRole.MANAGER
            )
            for flow in templates_setup.workflows_for(template):
                _create_workflow(project, flow)
            SavedView.objects.bulk_create(
                [
                    SavedView(
                        workspace_id=actor.workspace_id, project=project, owner_id=actor.user_id, shared=True, **view
                    )
                    for view in templates_setup.views_for(template)
                ]
            )
            record(actor, "created", project, snapshot(project, ["name", "key", "template", "status"]))
    except IntegrityError:
        raise ValidationFailed({"key": _("Another project already uses this key.")}) from None
    project.access = Level.MANAGE  # type: ignore[attr-defined]
    return project


def _create_workflow(project: Project, flow: dict[str, Any]) -> Workflow:
    workflow = Workflow.objects.create(
        workspace_id=project.workspace_id, project=project, name=flow["name"], item_types=flow["item_types"]
    )
    states = [
        State.objects.create(
            workspace_id=project.workspace_id,
            workflow=workflow,
            name=name,
            category=category,
            position=i,
            wip_limit=wip,
            required_fields=required,
        )
        for i, (name, category, wip, required) in enumerate(flow["states"])
    ]
    Transition.objects.bulk_create(
        [Transition(workflow=workflow, source=states[a], target=states[b]) for a, b in flow["transitions"]]
    )
    return workflow


def update_project(actor: "Membership", project: Project, *, version: int, **changes: Any) -> Project:
    require_level(actor, project, Level.MANAGE)
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in unknown})
    if "name" in changes:
        changes["name"] = _required_text("name", changes["name"])
    if "status" in changes:
        _choice("status", changes["status"], ProjectStatus)
    _check_dates(
        changes.get("start_date", project.start_date), changes.get("target_date", project.target_date), "target_date"
    )
    fields = list(changes)
    before = snapshot(project, fields)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(project, name, value)
        save_versioned(project, expected_version=version, fields=fields)
        record(actor, "updated", project, diff(before, snapshot(project, fields)))
    return project


def override_health(actor: "Membership", project: Project, *, health: str | None, reason: str = "") -> Project:
    """Set the health by hand (with a reason), or give it back to the computation (None)."""
    require_level(actor, project, Level.MANAGE)
    if health:
        _choice("health", health, Health)
        reason = _required_text("reason", reason)
    else:
        health, reason = "", ""
    before = snapshot(project, ["health_override", "health_reason"])
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(health_override=health, health_reason=reason)
        project.health_override, project.health_reason = health, reason
        record(
            actor, "health_overridden", project, diff(before, snapshot(project, ["health_override", "health_reason"]))
        )
    return project


def delete_project(actor: "Membership", project: Project) -> None:
    require_level(actor, project, Level.MANAGE)
    soft_delete(actor, project)


# --- Members -------------------------------------------------------------------------------------


def _check_hours(value: Any, field: str = "weekly_hours") -> Decimal:
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed({field: _("Enter a number.")}) from None
    if not hours.is_finite() or not Decimal(0) <= hours <= Decimal(168):
        raise ValidationFailed({field: _("Must be between 0 and 168 hours.")})
    return hours.quantize(Decimal("0.1"))


def add_project_member(
    actor: "Membership", project: Project, *, user_id: int, role: str = ProjectRole.MEMBER, weekly_hours: Any = 40
) -> ProjectMember:
    require_level(actor, project, Level.MANAGE)
    user = workspace_user(actor, user_id, "user")
    _choice("role", role, ProjectRole)
    hours = _check_hours(weekly_hours)
    if ProjectMember.objects.filter(project=project, user=user).exists():
        raise ValidationFailed({"user": _("This person is already a member of the project.")})
    with transaction.atomic():
        member = ProjectMember.objects.create(
            workspace_id=actor.workspace_id, project=project, user=user, role=role, weekly_hours=hours
        )
        record(actor, "member_added", project, {"members": [None, user.pk], "role": [None, role]})
    return member


def update_project_member(
    actor: "Membership", project: Project, member: ProjectMember, *, version: int, **changes: Any
) -> ProjectMember:
    require_level(actor, project, Level.MANAGE)
    if "role" in changes:
        _choice("role", changes["role"], ProjectRole)
        if member.role == ProjectRole.MANAGER and changes["role"] != ProjectRole.MANAGER:
            _keep_a_manager(project, member)
    if "weekly_hours" in changes:
        changes["weekly_hours"] = _check_hours(changes["weekly_hours"])
    fields = [f for f in changes if f in ("role", "weekly_hours")]
    before = snapshot(member, fields)
    with transaction.atomic():
        for name in fields:
            setattr(member, name, changes[name])
        save_versioned(member, expected_version=version, fields=fields)
        record(
            actor,
            "member_changed",
            project,
            {"member": [member.user_id, member.user_id], **diff(before, snapshot(member, fields))},
        )
    return member


def _keep_a_manager(project: Project, leaving: ProjectMember) -> None:
    others = ProjectMember.objects.filter(project=project, role=ProjectRole.MANAGER).exclude(pk=leaving.pk)
    if not others.exists():
        raise ValidationFailed({"role": _("A project needs at least one manager.")})


def remove_project_member(actor: "Membership", project: Project, member: ProjectMember) -> None:
    require_level(actor, project, Level.MANAGE)
    if member.role == ProjectRole.MANAGER:
        _keep_a_manager(project, member)
    with transaction.atomic():
        ProjectMember.objects.filter(pk=member.pk).delete()
        record(actor, "member_removed", project, {"members": [member.user_id, None]})


# --- Milestones ----------------------------------------------------------------------------------


def create_milestone(
    actor: "Membership", project: Project, *, name: str, due_date: datetime.date, description: str = ""
) -> Milestone:
    require_level(actor, project, Level.MANAGE)
    name = _required_text("name", name)
    with transaction.atomic():
        milestone = Milestone.objects.create(
            workspace_id=actor.workspace_id, project=project, name=name, due_date=due_date, description=description
        )
        record(actor, "created", milestone, snapshot(milestone, ["name", "due_date"]))
    return milestone


def update_milestone(actor: "Membership", milestone: Milestone, *, version: int, **changes: Any) -> Milestone:
    require_level(actor, milestone.project, Level.MANAGE)
    if "name" in changes:
        changes["name"] = _required_text("name", changes["name"])
    fields = [f for f in changes if f in ("name", "description", "due_date", "done")]
    before = snapshot(milestone, fields)
    with transaction.atomic():
        for name in fields:
            setattr(milestone, name, changes[name])
        save_versioned(milestone, expected_version=version, fields=fields)
        record(actor, "updated", milestone, diff(before, snapshot(milestone, fields)))
    return milestone


def delete_milestone(actor: "Membership", milestone: Milestone) -> None:
    require_level(actor, milestone.project, Level.MANAGE)
    soft_delete(actor, milestone)


# --- Workflows -----------------------------------------------------------------------------------


def _check_types(project: Project, item_types: list[str], exclude: Workflow | None = None) -> list[str]:
    for t in item_types:
        _choice("item_types", t, ItemType)
    taken = Workflow.objects.filter(project=project)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    used = {t for flow in taken for t in flow.item_types}
    clash = sorted(set(item_types) & used)
    if clash:
        raise ValidationFailed(
            {"item_types": _("Already covered by another workflow: %(types)s.") % {"types": ", ".join(clash)}}
        )
    return list(dict.fromkeys(item_types))


def create_workflow(actor: "Membership", project: Project, *, name: str, item_types: list[str]) -> Workflow:
    """A new workflow starts with To do → In progress → Done, each state reachable from each."""
    require_level(actor, project, Level.MANAGE)
    name = _required_text("name", name)
    item_types = _check_types(project, item_types)
    with transaction.atomic():
        workflow = _create_workflow(
            project,
            {
                "name": name,
                "item_types": item_types,
                "states": [
                    (_("To do"), Category.TODO, None, []),
                    (_("In progress"), Category.IN_PROGRESS, None, []),
                    (_("Done"), Category.DONE, None, []),
                ],
                "transitions": [(a, b) for a in range(3) for b in range(3) if a != b],
            },
        )
        record(actor, "workflow_created", project, {"workflow": [None, name]})
    return workflow


def update_workflow(actor: "Membership", workflow: Workflow, *, version: int, **changes: Any) -> Workflow:
    project = workflow.project
    require_level(actor, project, Level.MANAGE)
    if "name" in changes:
        changes["name"] = _required_text("name", changes["name"])
    if "item_types" in changes:
        changes["item_types"] = _check_types(project, changes["item_types"], exclude=workflow)
        dropped = set(workflow.item_types) - set(changes["item_types"])
        if dropped and WorkItem.objects.filter(state__workflow=workflow, type__in=dropped).exists():
            raise ValidationFailed(
                {
                    "item_types": _("Items of these types still use this workflow: %(types)s.")
                    % {"types": ", ".join(sorted(dropped))}
                }
            )
    fields = [f for f in changes if f in ("name", "item_types")]
    before = snapshot(workflow, fields)
    with transaction.atomic():
        for name in fields:
            setattr(workflow, name, changes[name])
        save_versioned(workflow, expected_version=version, fields=fields)
        record(actor, "workflow_changed", project, diff(before, snapshot(workflow, fields)))
    return workflow


def _check_state_fields(changes: dict[str, Any]) -> None:
    if "name" in changes:
        changes["name"] = _required_text("name", changes["name"])
    if "category" in changes:
        _choice("category", changes["category"], Category)
    if "required_fields" in changes:
        for f in changes["required_fields"]:
            if f not in REQUIRABLE_FIELDS:
                raise ValidationFailed(
                    {"required_fields": _("Choose from: %(choices)s.") % {"choices": ", ".join(REQUIRABLE_FIELDS)}}
                )
        changes["required_fields"] = list(dict.fromkeys(changes["required_fields"]))


def add_state(
    actor: "Membership",
    workflow: Workflow,
    *,
    name: str,
    category: str,
    wip_limit: int | None = None,
    required_fields: list[str] | None = None,
) -> State:
    """The new state comes last; every other state can move to it and back."""
    require_level(actor, workflow.project, Level.MANAGE)
    changes: dict[str, Any] = {"name": name, "category": category, "required_fields": required_fields or []}
    _check_state_fields(changes)
    with transaction.atomic():
        others = list(State.objects.filter(workflow=workflow))
        state = State.objects.create(
            workspace_id=workflow.workspace_id,
            workflow=workflow,
            position=max((s.position for s in others), default=-1) + 1,
            wip_limit=wip_limit,
            **changes,
        )
        Transition.objects.bulk_create(
            [Transition(workflow=workflow, source=o, target=state) for o in others]
            + [Transition(workflow=workflow, source=state, target=o) for o in others]
        )
        record(actor, "workflow_changed", workflow.project, {"states": [None, state.name]})
    return state


def update_state(actor: "Membership", state: State, *, version: int, **changes: Any) -> State:
    project = state.workflow.project
    require_level(actor, project, Level.MANAGE)
    _check_state_fields(changes)
    fields = [f for f in changes if f in ("name", "category", "wip_limit", "required_fields", "position")]
    before = snapshot(state, fields)
    with transaction.atomic():
        for name in fields:
            setattr(state, name, changes[name])
        save_versioned(state, expected_version=version, fields=fields)
        if "category" in fields:
            WorkItem.all_objects.filter(state=state).update(category=state.category)
        record(actor, "workflow_changed", project, diff(before, snapshot(state, fields)))
    return state


def remove_state(actor: "Membership", state: State, *, move_to_id: int | None) -> None:
    """Items in the state move to `move_to_id` (a state of the same workflow) first: none is stranded."""
    workflow = state.workflow
    require_level(actor, workflow.project, Level.MANAGE)
    siblings = State.objects.filter(workflow=workflow).exclude(pk=state.pk)
    if not siblings.exists():
        raise ValidationFailed({"state": _("A workflow needs at least one state.")})
    count = WorkItem.all_objects.filter(state=state).count()
    target = None
    if move_to_id is not None:
        target = siblings.filter(pk=move_to_id).first()
        if target is None:
            raise ValidationFailed({"move_to": _("Choose another state of the same workflow.")})
    if count and target is None:
        raise ValidationFailed(
            {
                "move_to": ngettext(
                    "%(count)s item is in this state: choose where it goes.",
                    "%(count)s items are in this state: choose where they go.",
                    count,
                )
                % {"count": count}
            }
        )
    with transaction.atomic():
        if target is not None and count:
            WorkItem.all_objects.filter(state=state).update(
                state=target, category=target.category, version=F("version") + 1
            )
        state.delete()
        record(
            actor,
            "workflow_changed",
            workflow.project,
            {"states": [state.name, None], "moved_to": [None, target.name if target else None], "items": [None, count]},
        )


def set_transitions(actor: "Membership", workflow: Workflow, *, pairs: list[tuple[int, int]]) -> Workflow:
    """Replace the allowed transitions with `pairs` of state ids of this workflow."""
    require_level(actor, workflow.project, Level.MANAGE)
    state_ids = set(State.objects.filter(workflow=workflow).values_list("pk", flat=True))
    for source, target in pairs:
        if source not in state_ids or target not in state_ids or source == target:
            raise ValidationFailed({"transitions": _("Each transition joins two different states of this workflow.")})
    with transaction.atomic():
        Transition.objects.filter(workflow=workflow).delete()
        Transition.objects.bulk_create(
            [Transition(workflow=workflow, source_id=s, target_id=t) for s, t in sorted(set(pairs))]
        )
        record(actor, "workflow_changed", workflow.project, {"transitions": [None, len(set(pairs))]})
    return workflow


# --- Custom fields -------------------------------------------------------------------------------


def _check_options(kind: str, options: list[str]) -> list[dict[str, Any]]:
    if kind in (FieldKind.SELECT, FieldKind.MULTI_SELECT):
        labels = [o.strip() for o in options if o.strip()]
        if not labels:
            raise ValidationFailed({"options": _("A select field needs at least one option.")})
        return [{"id": i + 1, "label": label} for i, label in enumerate(dict.fromkeys(labels))]
    if options:
        raise ValidationFailed({"options": _("Only select fields have options.")})
    return []


def create_field(
    actor: "Membership", project: Project, *, name: str, kind: str, options: list[str] | None = None
) -> CustomField:
    require_level(actor, project, Level.MANAGE)
    name = _required_text("name", name)
    _choice("kind", kind, FieldKind)
    with transaction.atomic():
        field = CustomField.objects.create(
            workspace_id=actor.workspace_id,
            project=project,
            name=name,
            kind=kind,
            options=_check_options(kind, options or []),
            position=CustomField.objects.filter(project=project).count(),
        )
        record(actor, "field_created", project, {"fields": [None, name]})
    return field


def update_field(
    actor: "Membership", field: CustomField, *, version: int, name: str | None = None, options: list[str] | None = None
) -> CustomField:
    """Options keep their ids; new labels get new ids, so values already set stay meaningful."""
    require_level(actor, field.project, Level.MANAGE)
    fields = []
    if name is not None:
        field.name = _required_text("name", name)
        fields.append("name")
    if options is not None:
        if field.kind not in (FieldKind.SELECT, FieldKind.MULTI_SELECT):
            raise ValidationFailed({"options": _("Only select fields have options.")})
        existing = {o["label"]: o["id"] for o in field.options}
        next_id = max(existing.values(), default=0) + 1
        merged = []
        for label in dict.fromkeys(o.strip() for o in options if o.strip()):
            if label not in existing:
                existing[label], next_id = next_id, next_id + 1
            merged.append({"id": existing[label], "label": label})
        if not merged:
            raise ValidationFailed({"options": _("A select field needs at least one option.")})
        field.options = merged
        fields.append("options")
    with transaction.atomic():
        save_versioned(field, expected_version=version, fields=fields)
        record(actor, "field_changed", field.project, {"fields": [None, field.name]})
    return field


def delete_field(actor: "Membership", field: CustomField) -> None:
    require_level(actor, field.project, Level.MANAGE)
    with transaction.atomic():
        CustomField.objects.filter(pk=field.pk).update(deleted_at=timezone.now(), deleted_by=actor.user)
        record(actor, "field_deleted", field.project, {"fields": [field.name, None]})
