"""Web pages of projects: list, create from a template, charter, members, milestones, health,
allocation, workflow and custom-field settings. Thin: parse with a form, call the same service as
the API, render. Everyone who can see a project reads these pages; only its managers (and the
workspace's staff) get the forms, and the services refuse everyone else."""

import datetime
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.queries import members_for
from accounts.web import actor_for
from core.errors import NotFound, ValidationFailed
from core.permissions import can
from core.web import page_from, panel_context, web_view
from projects import health as project_health
from projects import queries, services
from projects.access import Level, require_level
from projects.forms import (
    CHARTER_LABELS,
    REQUIRABLE_LABELS,
    FieldEditForm,
    FieldForm,
    HealthForm,
    MemberAddForm,
    MemberEditForm,
    MilestoneEditForm,
    MilestoneForm,
    ProjectForm,
    ProjectSettingsForm,
    RemoveStateForm,
    StateForm,
    WorkflowForm,
)
from projects.models import (
    CustomField,
    Health,
    ItemType,
    Milestone,
    Project,
    ProjectMember,
    State,
    Workflow,
    WorkItem,
)
from projects.queries import allocation as allocations
from projects.services import CHARTER_FIELDS

Forms = dict[Any, Any]


def _project(request: HttpRequest, workspace: str, key: str, *, metrics: bool = False) -> tuple[Any, Project]:
    actor = actor_for(request, workspace)
    return actor, queries.get_project(actor, key, metrics=metrics)


def _manages(project: Project) -> bool:
    return getattr(project, "access", Level.NONE) >= Level.MANAGE


def _health(project: Project, today: datetime.date) -> dict[str, Any]:
    value, reasons, overridden = project_health.of(project, today)
    return {"value": value, "label": Health(value).label, "reasons": reasons, "overridden": overridden}


def _of_project(project: Project, obj: Any) -> Any:
    """An object loaded by id belongs to the project of the URL, or is not found."""
    if obj.project.pk != project.pk:
        raise NotFound()
    return obj


# --- List and creation ---------------------------------------------------------------------------


@web_view
def project_list(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    page = page_from(request, queries.projects_for(actor), order="-id")
    today = timezone.localdate()
    rows = [(p, _health(p, today)) for p in page.items]
    context = {"rows": rows, "page": page, "can_create": can(actor, "project.create")}
    return render(request, "projects/project_list.html", context)


@web_view
def new_project(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    form = ProjectForm(request.POST or None)
    if form.is_valid():
        with form.service_errors():
            project = services.create_project(actor, **form.cleaned_data)
            messages.success(request, _("The project was created."))
            return redirect("projects:project", workspace, project.key)
    context = {"form": form, "can_create": can(actor, "project.create")}
    return render(request, "projects/project_new.html", context, status=form.status)


# --- The project page: charter, health, milestones, members --------------------------------------


def _project_page(
    request: HttpRequest,
    actor: Any,
    key: str,
    *,
    health_form: HealthForm | None = None,
    milestone_form: MilestoneForm | None = None,
    bound: Forms | None = None,
    status: int = 200,
) -> HttpResponse:
    project = queries.get_project(actor, key, metrics=True)
    manage = _manages(project)
    bound = bound or {}
    milestones = list(queries.milestones_of(project).order_by("due_date", "id"))
    milestone_rows = [(m, (bound.get(m.pk) or MilestoneEditForm(m)) if manage else None) for m in milestones]
    today = timezone.localdate()
    context = {
        "project": project,
        "health": _health(project, today),
        "can_manage": manage,
        "charter": [(CHARTER_LABELS[f], getattr(project, f)) for f in CHARTER_FIELDS if getattr(project, f)],
        "milestone_rows": milestone_rows,
        "members": queries.members_of(project).order_by("user__display_name", "user__username", "id"),
        "over_allocated": allocations.over_allocated_next_week(project, today),
        "health_form": (health_form or HealthForm(project=project)) if manage else None,
        "milestone_form": (milestone_form or MilestoneForm()) if manage else None,
        "today": today,
        **panel_context(actor, "project", project.pk),
    }
    return render(request, "projects/project_detail.html", context, status=status)


@web_view
def project_page(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    return _project_page(request, actor, key)


@web_view
def project_settings(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    form = ProjectSettingsForm(project, request.POST or None)
    if request.method == "POST":
        require_level(actor, project, Level.MANAGE)
    if form.is_valid():
        with form.service_errors():
            services.update_project(actor, project, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("projects:project", workspace, project.key)
        project = queries.get_project(actor, key)  # as it is, not as the failed edit left it
    context = {"project": project, "form": form, "can_manage": _manages(project)}
    return render(request, "projects/project_settings.html", context, status=form.status)


@web_view
@require_POST
def delete_project(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    services.delete_project(actor, project)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": project.name})
    return redirect("projects:list", workspace)


@web_view
@require_POST
def health(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    """Override the computed health with a reason, or (`clear`) hand it back to the computation."""
    actor, project = _project(request, workspace, key)
    if "clear" in request.POST:
        services.override_health(actor, project, health=None)
        messages.success(request, _("The health is computed again."))
        return redirect("projects:project", workspace, key)
    form = HealthForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            services.override_health(actor, project, **form.cleaned_data)
            messages.success(request, _("The health was overridden."))
            return redirect("projects:project", workspace, key)
    return _project_page(request, actor, key, health_form=form, status=form.status)


@web_view
@require_POST
def add_milestone(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    require_level(actor, project, Level.MANAGE)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            services.create_milestone(actor, project, **form.cleaned_data)
            messages.success(request, _("The milestone was added."))
            return redirect("projects:project", workspace, key)
    return _project_page(request, actor, key, milestone_form=form, status=form.status)


@web_view
@require_POST
def edit_milestone(request: HttpRequest, workspace: str, key: str, milestone_id: int) -> HttpResponse:
    """Change a milestone's due date, or (`mark_done`) mark it done."""
    actor, project = _project(request, workspace, key)
    require_level(actor, project, Level.MANAGE)
    milestone: Milestone = _of_project(project, queries.get_milestone(actor, milestone_id))
    if "mark_done" in request.POST:
        services.update_milestone(actor, milestone, version=milestone.version, done=True)
        messages.success(request, _("“%(name)s” is done.") % {"name": milestone.name})
        return redirect("projects:project", workspace, key)
    form = MilestoneEditForm(milestone, request.POST)
    if form.is_valid():
        with form.service_errors():
            services.update_milestone(actor, milestone, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("projects:project", workspace, key)
    return _project_page(request, actor, key, bound={milestone.pk: form}, status=form.status)


@web_view
@require_POST
def delete_milestone(request: HttpRequest, workspace: str, key: str, milestone_id: int) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    milestone = _of_project(project, queries.get_milestone(actor, milestone_id))
    services.delete_milestone(actor, milestone)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": milestone.name})
    return redirect("projects:project", workspace, key)


def _people_to_add(actor: Any, project: Project) -> list[tuple[int, str]]:
    if not can(actor, "member.view"):
        return []
    taken = set(queries.members_of(project).values_list("user_id", flat=True))
    people = members_for(actor).exclude(user_id__in=taken).order_by("user__display_name", "id")
    return [(m.user_id, str(m.user)) for m in people]


def _members_page(
    request: HttpRequest,
    actor: Any,
    project: Project,
    *,
    add_form: MemberAddForm | None = None,
    bound: Forms | None = None,
    status: int = 200,
) -> HttpResponse:
    manage = _manages(project)
    bound = bound or {}
    members = list(queries.members_of(project).order_by("user__display_name", "user__username", "id"))
    context = {
        "project": project,
        "can_manage": manage,
        "rows": [(m, (bound.get(m.pk) or MemberEditForm(m)) if manage else None) for m in members],
        "add_form": (add_form or MemberAddForm(_people_to_add(actor, project))) if manage else None,
    }
    return render(request, "projects/project_members.html", context, status=status)


@web_view
def members(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    """The project's members with their project role and weekly hours; managers add people here."""
    actor, project = _project(request, workspace, key)
    if request.method != "POST":
        return _members_page(request, actor, project)
    require_level(actor, project, Level.MANAGE)
    form = MemberAddForm(_people_to_add(actor, project), request.POST)
    if form.is_valid():
        with form.service_errors():
            member = services.add_project_member(actor, project, **form.cleaned_data)
            messages.success(request, _("%(name)s was added to the project.") % {"name": member.user})
            return redirect("projects:members", workspace, key)
    return _members_page(request, actor, project, add_form=form, status=form.status)


@web_view
@require_POST
def edit_member(request: HttpRequest, workspace: str, key: str, member_id: int) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    require_level(actor, project, Level.MANAGE)
    member: ProjectMember = queries.get_project_member(project, member_id)
    form = MemberEditForm(member, request.POST)
    if form.is_valid():
        with form.service_errors():
            services.update_project_member(actor, project, member, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("projects:members", workspace, key)
        member = queries.get_project_member(project, member_id)
    return _members_page(request, actor, project, bound={member.pk: form}, status=form.status)


@web_view
@require_POST
def remove_member(request: HttpRequest, workspace: str, key: str, member_id: int) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    member = queries.get_project_member(project, member_id)
    try:
        services.remove_project_member(actor, project, member)
    except ValidationFailed as error:
        for messages_of_field in error.errors.values():
            for message in messages_of_field:
                messages.error(request, message)
        return redirect("projects:members", workspace, key)
    messages.success(request, _("%(name)s was removed from the project.") % {"name": member.user})
    return redirect("projects:members", workspace, key)


# --- Allocation ----------------------------------------------------------------------------------


def _date_param(request: HttpRequest, name: str, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(request.GET.get(name, default))))
    except ValueError:
        return default


@web_view
def allocation(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    """Each member's allocated hours against their weekly hours, week by week."""
    _actor, project = _project(request, workspace, key)
    today = timezone.localdate()
    start = allocations.monday_of(_date_param(request, "start", today))
    weeks = _int_param(request, "weeks", allocations.DEFAULT_WEEKS, 1, allocations.MAX_WEEKS)
    rows = allocations.allocation_for(project, start=start, weeks=weeks, today=today)
    context = {
        "project": project,
        "rows": rows,
        "mondays": [w.start for w in rows[0].weeks] if rows else [],
        "start": start,
        "weeks": weeks,
        "previous": start - datetime.timedelta(weeks=weeks),
        "next": start + datetime.timedelta(weeks=weeks),
    }
    return render(request, "projects/project_allocation.html", context)


# --- Workflows -----------------------------------------------------------------------------------


def _uncovered_types(workflows: list[Workflow]) -> list[tuple[str, Any]]:
    covered = {t for w in workflows for t in w.item_types}
    return [(value, label) for value, label in ItemType.choices if value not in covered]


def _workflows_page(
    request: HttpRequest, actor: Any, project: Project, *, bound: Forms | None = None, status: int = 200
) -> HttpResponse:
    manage = _manages(project)
    bound = bound or {}
    workflows = list(queries.workflows_of(project).order_by("id"))
    counts = dict(
        WorkItem.all_objects.filter(project=project).values_list("state_id").annotate(n=Count("*")).order_by()
    )
    type_labels = dict(ItemType.choices)
    uncovered = _uncovered_types(workflows)
    sections = []
    for workflow in workflows:
        states = list(workflow.states.all())
        allowed = {(t.source_id, t.target_id) for t in workflow.transitions.all()}
        state_rows = []
        for state in states:
            others = [s for s in states if s.pk != state.pk]
            remove_form = bound.get(("remove", state.pk))
            state_rows.append(
                {
                    "state": state,
                    "count": counts.get(state.pk, 0),
                    "required": [REQUIRABLE_LABELS.get(f, f) for f in state.required_fields],
                    "edit_form": (bound.get(("state", state.pk)) or StateForm(state=state)) if manage else None,
                    "remove_form": (remove_form or RemoveStateForm(state, others)) if manage and others else None,
                    "ask_move_to": counts.get(state.pk, 0) > 0 or remove_form is not None,
                }
            )
        grid = [(source, [(target, (source.pk, target.pk) in allowed) for target in states]) for source in states]
        own_types = [(t, type_labels[t]) for t in workflow.item_types if t in type_labels]
        sections.append(
            {
                "workflow": workflow,
                "types": [label for _value, label in own_types],
                "states": state_rows,
                "grid": grid,
                "transitions_error": bound.get(("transitions", workflow.pk)),
                "edit_form": (
                    bound.get(("workflow", workflow.pk)) or WorkflowForm(workflow=workflow, types=own_types + uncovered)
                )
                if manage
                else None,
                "state_form": (bound.get(("new_state", workflow.pk)) or StateForm(workflow=workflow))
                if manage
                else None,
            }
        )
    new_form = bound.get("new_workflow") or (WorkflowForm(types=uncovered) if uncovered else None)
    context = {
        "project": project,
        "can_manage": manage,
        "sections": sections,
        "new_form": new_form if manage else None,
    }
    return render(request, "projects/workflows.html", context, status=status)


def _workflow_of(actor: Any, project: Project, workflow_id: int) -> Workflow:
    return _of_project(project, queries.get_workflow(actor, workflow_id))


def _state_of(actor: Any, project: Project, state_id: int) -> State:
    state = queries.get_state(actor, state_id)
    _of_project(project, state.workflow)
    return state


@web_view
def workflows(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    """Each workflow's item types, states and transitions; POST creates a workflow."""
    actor, project = _project(request, workspace, key)
    if request.method != "POST":
        return _workflows_page(request, actor, project)
    require_level(actor, project, Level.MANAGE)
    form = WorkflowForm(request.POST, types=_uncovered_types(list(queries.workflows_of(project))))
    if form.is_valid():
        with form.service_errors():
            services.create_workflow(actor, project, **form.cleaned_data)
            messages.success(request, _("The workflow was created."))
            return redirect("projects:workflows", workspace, key)
    return _workflows_page(request, actor, project, bound={"new_workflow": form}, status=form.status)


@web_view
@require_POST
def edit_workflow(request: HttpRequest, workspace: str, key: str, workflow_id: int) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    require_level(actor, project, Level.MANAGE)
    workflow = _workflow_of(actor, project, workflow_id)
    others = [w for w in queries.workflows_of(project) if w.pk != workflow.pk]
    own = [(t, label) for t, label in ItemType.choices if t in workflow.item_types]
    form = WorkflowForm(request.POST, workflow=workflow, types=own + _uncovered_types([*others, workflow]))
    if form.is_valid():
        with form.service_errors():
            services.update_workflow(actor, workflow, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("projects:workflows", workspace, key)
    return _workflows_page(request, actor, project, bound={("workflow", workflow.pk): form}, status=form.status)


@web_view
@require_POST
def add_state(request: HttpRequest, workspace: str, key: str, workflow_id: int) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    require_level(actor, project, Level.MANAGE)
    workflow = _workflow_of(actor, project, workflow_id)
    form = StateForm(request.POST, workflow=workflow)
    if form.is_valid():
        with form.service_errors():
            state = services.add_state(actor, workflow, **form.cleaned_data)
            messages.success(request, _("The state “%(name)s” was added.") % {"name": state.name})
            return redirect("projects:workflows", workspace, key)
    return _workflows_page(request, actor, project, bound={("new_state", workflow.pk): form}, status=form.status)


@web_view
@require_POST
def edit_state(request: HttpRequest, workspace: str, key: str, state_id: int) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    require_level(actor, project, Level.MANAGE)
    state = _state_of(actor, project, state_id)
    form = StateForm(request.POST, state=state)
    if form.is_valid():
        with form.service_errors():
            services.update_state(actor, state, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("projects:workflows", workspace, key)
    return _workflows_page(request, actor, project, bound={("state", state.pk): form}, status=form.status)


@web_view
@require_POST
def remove_state(request: HttpRequest, workspace: str, key: str, state_id: int) -> HttpResponse:
    """Remove a state; when it holds items, the page asks where they go."""
    actor, project = _project(request, workspace, key)
    require_level(actor, project, Level.MANAGE)
    state = _state_of(actor, project, state_id)
    others = list(queries.states_of(project).filter(workflow=state.workflow).exclude(pk=state.pk))
    form = RemoveStateForm(state, others, request.POST)
    if form.is_valid():
        with form.service_errors():
            services.remove_state(actor, state, move_to_id=form.cleaned_data["move_to"])
            messages.success(request, _("The state “%(name)s” was removed.") % {"name": state.name})
            return redirect("projects:workflows", workspace, key)
    return _workflows_page(request, actor, project, bound={("remove", state.pk): form}, status=form.status)


@web_view
@require_POST
def set_transitions(request: HttpRequest, workspace: str, key: str, workflow_id: int) -> HttpResponse:
    """The checkbox grid: each checked `pair` (source-target) is an allowed transition."""
    actor, project = _project(request, workspace, key)
    require_level(actor, project, Level.MANAGE)
    workflow = _workflow_of(actor, project, workflow_id)
    pairs = []
    try:
        for value in request.POST.getlist("pair"):
            source, target = value.split("-", 1)
            pairs.append((int(source), int(target)))
        services.set_transitions(actor, workflow, pairs=pairs)
    except (ValueError, ValidationFailed) as error:
        message = (
            next(iter(error.errors.values()))[0]
            if isinstance(error, ValidationFailed)
            else _("Each transition joins two different states of this workflow.")
        )
        return _workflows_page(request, actor, project, bound={("transitions", workflow.pk): message}, status=422)
    messages.success(request, _("The transitions were saved."))
    return redirect("projects:workflows", workspace, key)


# --- Custom fields -------------------------------------------------------------------------------


def _fields_page(
    request: HttpRequest,
    actor: Any,
    project: Project,
    *,
    add_form: FieldForm | None = None,
    bound: Forms | None = None,
    status: int = 200,
) -> HttpResponse:
    manage = _manages(project)
    bound = bound or {}
    fields = list(queries.fields_of(project).order_by("position", "id"))
    context = {
        "project": project,
        "can_manage": manage,
        "rows": [(f, (bound.get(f.pk) or FieldEditForm(f)) if manage else None) for f in fields],
        "add_form": (add_form or FieldForm()) if manage else None,
    }
    return render(request, "projects/fields.html", context, status=status)


@web_view
def fields(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    """The project's custom fields; POST adds one."""
    actor, project = _project(request, workspace, key)
    if request.method != "POST":
        return _fields_page(request, actor, project)
    require_level(actor, project, Level.MANAGE)
    form = FieldForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            field = services.create_field(actor, project, **form.service_data())
            messages.success(request, _("The field “%(name)s” was added.") % {"name": field.name})
            return redirect("projects:fields", workspace, key)
    return _fields_page(request, actor, project, add_form=form, status=form.status)


@web_view
@require_POST
def edit_field(request: HttpRequest, workspace: str, key: str, field_id: int) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    require_level(actor, project, Level.MANAGE)
    field: CustomField = _of_project(project, queries.get_field(actor, field_id))
    form = FieldEditForm(field, request.POST)
    if form.is_valid():
        with form.service_errors():
            services.update_field(actor, field, **form.service_data())
            messages.success(request, _("Saved."))
            return redirect("projects:fields", workspace, key)
    return _fields_page(request, actor, project, bound={field.pk: form}, status=form.status)


@web_view
@require_POST
def delete_field(request: HttpRequest, workspace: str, key: str, field_id: int) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    field = _of_project(project, queries.get_field(actor, field_id))
    services.delete_field(actor, field)
    messages.success(request, _("The field “%(name)s” was deleted.") % {"name": field.name})
    return redirect("projects:fields", workspace, key)


P = "w/<slug:workspace>/projects/<str:key>/"
urlpatterns: list[Any] = [
    path("w/<slug:workspace>/projects/", project_list, name="list"),
    path("w/<slug:workspace>/projects/new/", new_project, name="new"),
    path(P, project_page, name="project"),
    path(P + "settings/", project_settings, name="settings"),
    path(P + "delete/", delete_project, name="delete"),
    path(P + "health/", health, name="health"),
    path(P + "milestones/", add_milestone, name="milestone-add"),
    path(P + "milestones/<int:milestone_id>/", edit_milestone, name="milestone"),
    path(P + "milestones/<int:milestone_id>/delete/", delete_milestone, name="milestone-delete"),
    path(P + "members/", members, name="members"),
    path(P + "members/<int:member_id>/", edit_member, name="member"),
    path(P + "members/<int:member_id>/remove/", remove_member, name="member-remove"),
    path(P + "allocation/", allocation, name="allocation"),
    path(P + "workflows/", workflows, name="workflows"),
    path(P + "workflows/<int:workflow_id>/", edit_workflow, name="workflow"),
    path(P + "workflows/<int:workflow_id>/states/", add_state, name="state-add"),
    path(P + "workflows/<int:workflow_id>/transitions/", set_transitions, name="transitions"),
    path(P + "states/<int:state_id>/", edit_state, name="state"),
    path(P + "states/<int:state_id>/remove/", remove_state, name="state-remove"),
    path(P + "fields/", fields, name="fields"),
    path(P + "fields/<int:field_id>/", edit_field, name="field"),
    path(P + "fields/<int:field_id>/delete/", delete_field, name="field-delete"),
]
