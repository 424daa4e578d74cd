"""Web pages of goals: the alignment tree of a cycle, the cycles (list, page, activate, close,
reopen with a reason), an objective's page (its key results, SMART findings, what is aligned to
it) and the objective form with the live SMART check. Thin: parse with a form, call the same
services and queries as the API, render."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.web import actor_for
from core.errors import ValidationFailed
from core.permissions import can, require
from core.web import page_from, panel_context, web_view
from goals import queries
from goals.forms.objectives import (
    CycleEditForm,
    CycleForm,
    CycleVersionForm,
    ObjectiveEditForm,
    ObjectiveForm,
    ReopenForm,
    TreeFilterForm,
)
from goals.models import Cycle, CycleStatus, Objective, ObjectiveLevel
from goals.services import cycles, objectives
from goals.views.inline import inline_fields
from goals.views.tree_html import tree_rows_html

W = "w/<slug:workspace>/goals/"
C = W + "cycles/<int:cycle_id>/"
O = W + "objectives/<int:objective_id>/"  # noqa: E741


# --- The tree ------------------------------------------------------------------------------------


@web_view
def tree(request: HttpRequest, workspace: str) -> HttpResponse:
    """The alignment tree of a cycle (the active one unless `?cycle=` names another), company first."""
    actor = actor_for(request, workspace)
    require(actor, "goals.view")
    filters = TreeFilterForm(queries.filter_choices(actor), request.GET or None)
    cycle = queries.tree_cycle(actor, filters.cycle_id())
    found = queries.tree_for(actor, cycle, filters.filters(), page=_page_number(request.GET.get("page")))
    pages = request.GET.copy()
    pages.pop("page", None)
    context = {
        "tree": found,
        "page_query": pages.urlencode(),
        "tree_rows": tree_rows_html(found.rows, actor.workspace.slug),
        "cycle": cycle,
        "filters": filters,
        "can_edit": can(actor, "goals.edit") and cycle is not None and not cycle.read_only,
        "can_manage": can(actor, "goals.manage"),
    }
    return render(request, "goals/tree.html", context)


def _page_number(value: str | None) -> int:
    """The tree's page from the query string; anything but a number is the first page."""
    return int(value) if value and value.isdigit() and len(value) < 7 else 1


# --- Cycles --------------------------------------------------------------------------------------


@web_view
def cycle_list(request: HttpRequest, workspace: str) -> HttpResponse:
    """The cycles, latest first; owners and admins add one here."""
    actor = actor_for(request, workspace)
    can_manage = can(actor, "goals.manage")
    if request.method == "POST":
        require(actor, "goals.manage")
    form = CycleForm(request.POST or None)
    if form.is_valid():
        with form.service_errors():
            cycle = cycles.create_cycle(actor, **form.cleaned_data)
            messages.success(request, _("The cycle was created."))
            return redirect("goals:cycle", workspace, cycle.pk)
    page = page_from(request, queries.cycles_for(actor), order="-start_date")
    context = {"page": page, "form": form if can_manage else None, "can_manage": can_manage}
    return render(request, "goals/cycles.html", context, status=form.status)


def _cycle_page(
    request: HttpRequest,
    actor: Any,
    cycle: Cycle,
    *,
    edit_form: CycleEditForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = can(actor, "goals.manage")
    context = {
        "cycle": cycle,
        "objective_count": queries.objective_count(cycle),
        "can_manage": can_manage,
        "edit_form": (edit_form or CycleEditForm(cycle)) if can_manage and not cycle.read_only else None,
        "reopen_form": (reopen_form or ReopenForm(initial={"version": cycle.version}))
        if can_manage and cycle.read_only
        else None,
        "can_activate": can_manage and cycle.status in (CycleStatus.PLANNED, CycleStatus.REOPENED),
        "can_close": can_manage and not cycle.read_only,
        **panel_context(actor, "cycle", cycle.pk),
    }
    return render(request, "goals/cycle.html", context, status=status)


@web_view
def cycle_page(request: HttpRequest, workspace: str, cycle_id: int) -> HttpResponse:
    """A cycle with its dates and status; a POST saves the edit form at the version it was read at."""
    actor = actor_for(request, workspace)
    cycle = queries.get_cycle(actor, cycle_id)
    if request.method != "POST":
        return _cycle_page(request, actor, cycle)
    require(actor, "goals.manage")
    form = CycleEditForm(cycle, request.POST)
    if form.is_valid():
        with form.service_errors():
            cycles.update_cycle(actor, cycle, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("goals:cycle", workspace, cycle_id)
    return _cycle_page(request, actor, queries.get_cycle(actor, cycle_id), edit_form=form, status=form.status)


def _cycle_action(request: HttpRequest, workspace: str, cycle_id: int, action: Any, done: str) -> HttpResponse:
    """Activate or close at the version the page showed; a refusal is shown on the cycle's page."""
    actor = actor_for(request, workspace)
    cycle = queries.get_cycle(actor, cycle_id)
    form = CycleVersionForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            action(actor, cycle, version=form.cleaned_data["version"])
            messages.success(request, done % {"name": cycle.name})
            return redirect("goals:cycle", workspace, cycle_id)
    for error in form.non_field_errors() + form.errors.get("version", []):
        messages.error(request, str(error))
    if form.conflict is not None:
        messages.error(request, _("Someone else changed this cycle meanwhile. Check it and try again."))
    return redirect("goals:cycle", workspace, cycle_id)


@web_view
@require_POST
def cycle_activate(request: HttpRequest, workspace: str, cycle_id: int) -> HttpResponse:
    return _cycle_action(request, workspace, cycle_id, cycles.activate_cycle, _("“%(name)s” is now the active cycle."))


@web_view
@require_POST
def cycle_close(request: HttpRequest, workspace: str, cycle_id: int) -> HttpResponse:
    return _cycle_action(
        request,
        workspace,
        cycle_id,
        cycles.close_cycle,
        _("“%(name)s” is closed: its objectives are scored and read-only."),
    )


@web_view
@require_POST
def cycle_reopen(request: HttpRequest, workspace: str, cycle_id: int) -> HttpResponse:
    """Open a closed cycle again to correct it, with the reason (kept on the cycle and in its history)."""
    actor = actor_for(request, workspace)
    cycle = queries.get_cycle(actor, cycle_id)
    form = ReopenForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            cycles.reopen_cycle(actor, cycle, version=form.cleaned_data["version"], reason=form.cleaned_data["reason"])
            messages.success(request, _("“%(name)s” is open for corrections.") % {"name": cycle.name})
            return redirect("goals:cycle", workspace, cycle_id)
    return _cycle_page(request, actor, queries.get_cycle(actor, cycle_id), reopen_form=form, status=form.status)


@web_view
@require_POST
def cycle_delete(request: HttpRequest, workspace: str, cycle_id: int) -> HttpResponse:
    """To the trash: only a cycle without objectives (else the page says why)."""
    actor = actor_for(request, workspace)
    cycle = queries.get_cycle(actor, cycle_id)
    try:
        cycles.delete_cycle(actor, cycle)
    except ValidationFailed as error:
        for field_messages in error.errors.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("goals:cycle", workspace, cycle_id)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": cycle.name})
    return redirect("goals:cycles", workspace)


# --- An objective --------------------------------------------------------------------------------


def key_results_panel(request: HttpRequest, actor: Any, objective: Objective) -> str:
    """The key results of the objective (goals/_key_results.html with queries_key_results.panel),
    rendered with its own context so its names never clash with the page's."""
    from goals.queries.key_results import panel

    return render_to_string("goals/_key_results.html", {**panel(actor, objective), "actor": actor}, request=request)


@web_view
def objective_page(request: HttpRequest, workspace: str, objective_id: int) -> HttpResponse:
    """The objective: level, owner, own progress and roll-up, its key results, its SMART findings,
    the path above it and the objectives aligned to it."""
    actor = actor_for(request, workspace)
    objective = queries.get_objective(actor, objective_id)
    may_change = queries.may_change(actor, objective)
    context = {
        "objective": objective,
        "cycle": objective.cycle,
        "path": queries.path_to(objective),
        "children": queries.children_of(actor, objective),
        "findings": queries.findings_of(objective),
        "key_results_panel": key_results_panel(request, actor, objective),
        "can_change": may_change,
        "inline": inline_fields(actor, objective) if may_change else {},
        **panel_context(actor, "objective", objective.pk),
    }
    return render(request, "goals/objective.html", context)


def _findings(form: ObjectiveForm, objective: Objective | None) -> list[Any]:
    """The SMART findings shown before the first keystroke: of the saved objective, or of the
    title typed when a new one comes back with errors (the live check takes over as one types)."""
    from goals import smart

    if objective is not None and not form.is_bound:
        return queries.findings_of(objective)
    title = str(form.data.get("title", "")) if form.is_bound else ""
    if not title.strip():
        return []
    if objective is not None:
        owner_id = form.cleaned_data.get("owner_id") if hasattr(form, "cleaned_data") else None
        return smart.check_objective(
            title=title,
            owner_id=owner_id or objective.owner_id,
            cycle=objective.cycle,
            key_results=getattr(objective, "key_result_list", []),
        )
    return smart.check_text(title)


def _form_page(request: HttpRequest, form: ObjectiveForm, objective: Objective | None) -> HttpResponse:
    context = {"form": form, "objective": objective, "findings": _findings(form, objective)}
    return render(request, "goals/objective_form.html", context, status=form.status)


@web_view
def objective_new(request: HttpRequest, workspace: str) -> HttpResponse:
    """A new objective; `?cycle=`, `?parent=` and `?level=` preset the form."""
    actor = actor_for(request, workspace)
    require(actor, "goals.edit")
    choices = queries.form_choices(actor)
    initial: dict[str, Any] = {"owner_id": actor.user_id}
    preset = TreeFilterForm(queries.filter_choices(actor), request.GET or None)
    active = queries.active_cycle(actor)
    initial["cycle_id"] = preset.cycle_id() or (active.pk if active else None)
    parent = request.GET.get("parent", "")
    if parent.isdigit():
        initial["parent_id"] = int(parent)
    if request.GET.get("level") in ObjectiveLevel.values:
        initial["level"] = request.GET["level"]
    form = ObjectiveForm(choices, request.POST or None, initial=initial)
    if form.is_valid():
        values = form.values()
        with form.service_errors():
            cycle = queries.cycle_named_in_body(actor, values.pop("cycle_id"))
            objective = objectives.create_objective(actor, cycle, **values)
            messages.success(request, _("The objective was created. Add its key results next."))
            return redirect("goals:objective", workspace, objective.pk)
    return _form_page(request, form, None)


@web_view
def objective_edit(request: HttpRequest, workspace: str, objective_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    require(actor, "goals.edit")
    objective = queries.get_objective(actor, objective_id)
    if objective.level == ObjectiveLevel.COMPANY:
        require(actor, "goals.manage")  # the service says the same; the form is not offered either
    form = ObjectiveEditForm(queries.form_choices(actor, objective), objective, request.POST or None)
    if form.is_valid():
        with form.service_errors():
            objectives.update_objective(actor, objective, version=form.cleaned_data["version"], **form.values())
            messages.success(request, _("Saved."))
            return redirect("goals:objective", workspace, objective_id)
    return _form_page(request, form, objective)


@web_view
@require_POST
def objective_delete(request: HttpRequest, workspace: str, objective_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    objective = queries.get_objective(actor, objective_id)
    objectives.delete_objective(actor, objective)
    messages.success(request, _("“%(title)s” was moved to the trash.") % {"title": objective.title})
    return redirect(reverse("goals:tree", args=[workspace]) + f"?cycle={objective.cycle_id}")


urlpatterns: list[URLPattern] = [
    path(W, tree, name="tree"),
    path(W + "cycles/", cycle_list, name="cycles"),
    path(C, cycle_page, name="cycle"),
    path(C + "activate/", cycle_activate, name="cycle-activate"),
    path(C + "close/", cycle_close, name="cycle-close"),
    path(C + "reopen/", cycle_reopen, name="cycle-reopen"),
    path(C + "delete/", cycle_delete, name="cycle-delete"),
    path(W + "objectives/new/", objective_new, name="objective-new"),
    path(O, objective_page, name="objective"),
    path(O + "edit/", objective_edit, name="objective-edit"),
    path(O + "delete/", objective_delete, name="objective-delete"),
]
