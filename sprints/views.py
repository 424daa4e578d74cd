"""Web pages of sprints: a project's sprints, and one sprint's planning, charts, review and
retrospective. Thin: parse with a form, call a service or a query, render."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import Membership
from accounts.web import actor_for
from core.permissions import can
from core.web import is_htmx, page_from, panel_context, render_page, web_view
from projects.access import Level
from projects.models import Category, Project
from projects.queries import get_project
from projects.services.items import bulk_update
from sprints import charts, queries, services
from sprints.forms import (
    CapacityForm,
    CloseForm,
    PullForm,
    RetroEditForm,
    RetroNoteForm,
    SprintEditForm,
    SprintForm,
)
from sprints.models import RetroColumn, Sprint, SprintStatus


def _url_or_none(name: str, *args: Any) -> str | None:
    """Pages of the projects module, linked when they exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _to_sprint(sprint: Sprint, section: str = "") -> HttpResponse:
    url = reverse("sprints:sprint", args=[sprint.workspace.slug, sprint.pk])
    return redirect(url + (f"#{section}" if section else ""))


def _can_work(project: Project) -> bool:
    return getattr(project, "access", Level.NONE) >= Level.WORK


# --- A project's sprints -------------------------------------------------------------------------


@web_view
def sprint_list(request: HttpRequest, workspace: str, project: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    project_obj = get_project(actor, project)
    form = SprintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            sprint = services.create_sprint(actor, project_obj, **form.cleaned_data)
            messages.success(request, _("The sprint was created."))
            return _to_sprint(sprint)
    page = page_from(request, queries.sprints_of(actor, project_obj), order="-start_date")
    velocity = queries.velocity(actor, project_obj)
    closed = velocity["sprints"]
    velocity_chart = charts.velocity_chart(
        [s.name for s in closed], [s.committed_points for s in closed], [s.completed_points for s in closed]
    )
    context = {
        "project": project_obj,
        "project_url": _url_or_none("projects:project", workspace, project_obj.key),
        "sprints": page.items,
        "page": page,
        "velocity": velocity,
        "velocity_chart": velocity_chart,
        "form": form if _can_work(project_obj) else None,
    }
    return render_page(request, "sprints/list.html", context, status=form.status)


# --- One sprint ----------------------------------------------------------------------------------


def _sprint_context(actor: Membership, sprint: Sprint, **forms: Any) -> dict[str, Any]:
    """Everything the sprint page shows; a bound form with errors replaces its fresh one."""
    workspace, project = actor.workspace.slug, sprint.project
    can_work = _can_work(project)
    items = list(queries.items_of(sprint))
    for item in items:
        item.url = _url_or_none("projects:item", workspace, item.key)  # type: ignore[attr-defined]
    series = queries.charts_for(actor, sprint)
    notes = list(queries.notes_of(actor, sprint).order_by("id"))
    for note in notes:
        note.form = RetroEditForm(  # type: ignore[attr-defined]
            prefix=f"note-{note.pk}", initial={"column": note.column, "text": note.text, "version": note.version}
        )
        if note.work_item is not None:
            note.work_item_url = _url_or_none("projects:item", workspace, note.work_item.key)  # type: ignore[attr-defined]
    failed_note = forms.get("note_form")
    if failed_note is not None:
        for note in notes:
            if failed_note.prefix == f"note-{note.pk}":
                note.form = failed_note  # type: ignore[attr-defined]
    closed = sprint.status == SprintStatus.CLOSED
    days = series["days"]
    rows = [
        {
            "day": day,
            "remaining_points": series["burndown"]["points"]["remaining"][i],
            "ideal_points": series["burndown"]["points"]["ideal"][i],
            "remaining_count": series["burndown"]["count"]["remaining"][i],
            "done_points": series["burnup"]["points"]["done"][i],
            "total_points": series["burnup"]["points"]["total"][i],
            "done_count": series["burnup"]["count"]["done"][i],
            "total_count": series["burnup"]["count"]["total"][i],
        }
        for i, day in enumerate(days)
    ]
    return {
        "sprint": sprint,
        "project": project,
        "project_url": _url_or_none("projects:project", workspace, project.key),
        "can_work": can_work,
        "plan": queries.planning(actor, sprint),
        "backlog": queries.backlog_of(sprint) if can_work and not closed else [],
        "pull_form": forms.get("pull_form"),
        "capacity_form": forms.get("capacity_form"),
        "burndown": charts.burndown_chart(series),
        "burnup": charts.burnup_chart(series),
        "chart_rows": rows,
        "frozen": series["frozen"],
        "done_items": [i for i in items if i.category == Category.DONE],
        "open_items": [i for i in items if i.category != Category.DONE],
        "carried_over": sprint.report.get("not_done", []) if closed else [],
        "close_form": forms.get("close_form")
        or CloseForm(list(queries.carry_over_choices(sprint).order_by("start_date", "id"))),
        "edit_form": forms.get("edit_form") or SprintEditForm(sprint),
        "note_form": forms.get("new_note_form") or RetroNoteForm(),
        "columns": [(value, label, [n for n in notes if n.column == value]) for value, label in RetroColumn.choices],
        "action_column": RetroColumn.ACTION,
        "statuses": SprintStatus,
        # The discussion panel is for workspace members (guests see no history or comments).
        **(panel_context(actor, "sprint", sprint.pk) if can(actor, "comment.view") else {}),
    }


def _render_sprint(
    request: HttpRequest, actor: Membership, sprint: Sprint, status: int = 200, **forms: Any
) -> HttpResponse:
    return render_page(request, "sprints/sprint.html", _sprint_context(actor, sprint, **forms), status=status)


@web_view
def sprint_page(request: HttpRequest, workspace: str, sprint_id: int) -> HttpResponse:
    """The sprint; its POST is the edit form (name, goal, dates)."""
    actor = actor_for(request, workspace)
    sprint = queries.get_sprint(actor, sprint_id)
    if request.method == "POST":
        form = SprintEditForm(sprint, request.POST)
        if form.is_valid():
            with form.service_errors():
                services.update_sprint(actor, sprint, **form.cleaned_data)
                messages.success(request, _("Saved."))
                return _to_sprint(sprint)
        sprint = queries.get_sprint(actor, sprint_id)  # as it is, not as the failed edit left it
        return _render_sprint(request, actor, sprint, form.status, edit_form=form)
    return _render_sprint(request, actor, sprint)


@web_view
@require_POST
def start(request: HttpRequest, workspace: str, sprint_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    sprint = services.start_sprint(actor, queries.get_sprint(actor, sprint_id))
    messages.success(request, _("The sprint started."))
    return _to_sprint(sprint)


@web_view
@require_POST
def close(request: HttpRequest, workspace: str, sprint_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    sprint = queries.get_sprint(actor, sprint_id)
    form = CloseForm(list(queries.carry_over_choices(sprint)), request.POST)
    if form.is_valid():
        with form.service_errors():
            sprint, target, keys = services.close_sprint(actor, sprint, **form.cleaned_data)
            if keys and target is not None:
                message = ngettext(
                    "The sprint was closed; %(count)s unfinished item moved to “%(target)s”.",
                    "The sprint was closed; %(count)s unfinished items moved to “%(target)s”.",
                    len(keys),
                ) % {"count": len(keys), "target": target.name}
            else:
                message = _("The sprint was closed.")
            messages.success(request, message)
            return _to_sprint(sprint, "review")
    return _render_sprint(request, actor, queries.get_sprint(actor, sprint_id), form.status, close_form=form)


@web_view
@require_POST
def delete(request: HttpRequest, workspace: str, sprint_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    sprint = queries.get_sprint(actor, sprint_id)
    services.delete_sprint(actor, sprint)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": sprint})
    return redirect("sprints:list", workspace, sprint.project.key)


@web_view
@require_POST
def capacity(request: HttpRequest, workspace: str, sprint_id: int) -> HttpResponse:
    """One member's capacity; with htmx, answers with the planning section."""
    actor = actor_for(request, workspace)
    sprint = queries.get_sprint(actor, sprint_id)
    form = CapacityForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            services.set_capacity(actor, sprint, **form.cleaned_data)
            if not is_htmx(request):
                messages.success(request, _("The capacity was saved."))
                return _to_sprint(sprint, "planning")
            form = None  # type: ignore[assignment]
    context = _sprint_context(actor, sprint, capacity_form=form)
    status = form.status if form is not None else 200
    return render_page(request, "sprints/sprint.html", context, partial="planning", status=status)


@web_view
@require_POST
def pull_items(request: HttpRequest, workspace: str, sprint_id: int) -> HttpResponse:
    """Planning: the checked backlog items join the sprint (the same bulk edit as the item list)."""
    actor = actor_for(request, workspace)
    sprint = queries.get_sprint(actor, sprint_id)
    form = PullForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            moved = bulk_update(actor, sprint.project, item_ids=form.cleaned_data["item_ids"], sprint_id=sprint.pk)
            n = len(moved)
            messages.success(
                request, ngettext("%(n)s item joined the sprint.", "%(n)s items joined the sprint.", n) % {"n": n}
            )
            return _to_sprint(sprint, "planning")
    return render_page(
        request, "sprints/sprint.html", _sprint_context(actor, sprint, pull_form=form), status=form.status
    )


# --- Retrospective -------------------------------------------------------------------------------


@web_view
@require_POST
def add_note(request: HttpRequest, workspace: str, sprint_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    sprint = queries.get_sprint(actor, sprint_id)
    form = RetroNoteForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            services.add_note(actor, sprint, **form.cleaned_data)
            return _to_sprint(sprint, "retro")
    return _render_sprint(request, actor, sprint, form.status, new_note_form=form)


@web_view
@require_POST
def edit_note(request: HttpRequest, workspace: str, note_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    note = queries.get_note(actor, note_id)
    form = RetroEditForm(request.POST, prefix=f"note-{note.pk}")
    if form.is_valid():
        with form.service_errors():
            services.update_note(actor, note, **form.cleaned_data)
            return _to_sprint(note.sprint, "retro")
    sprint = queries.get_sprint(actor, note.sprint_id)
    return _render_sprint(request, actor, sprint, form.status, note_form=form)


@web_view
@require_POST
def delete_note(request: HttpRequest, workspace: str, note_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    note = queries.get_note(actor, note_id)
    services.delete_note(actor, note)
    messages.success(request, _("The note was moved to the trash."))
    return _to_sprint(note.sprint, "retro")


@web_view
@require_POST
def note_to_item(request: HttpRequest, workspace: str, note_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    note = services.note_to_item(actor, queries.get_note(actor, note_id))
    assert note.work_item is not None
    messages.success(request, _("%(key)s was created from the action.") % {"key": note.work_item.key})
    return _to_sprint(note.sprint, "retro")


S = "w/<slug:workspace>/sprints/<int:sprint_id>/"
R = "w/<slug:workspace>/retro/<int:note_id>/"
urlpatterns = [
    path("w/<slug:workspace>/projects/<str:project>/sprints/", sprint_list, name="list"),
    path(S, sprint_page, name="sprint"),
    path(S + "start/", start, name="start"),
    path(S + "close/", close, name="close"),
    path(S + "delete/", delete, name="delete"),
    path(S + "capacity/", capacity, name="capacity"),
    path(S + "pull/", pull_items, name="pull"),
    path(S + "retro/", add_note, name="note-add"),
    path(R, edit_note, name="note-edit"),
    path(R + "delete/", delete_note, name="note-delete"),
    path(R + "work-item/", note_to_item, name="note-item"),
]
