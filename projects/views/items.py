"""Web pages of work items: list, detail, board, timeline, calendar and My work. Thin: parse with a
form, call the same service or query as the API, render."""

import calendar
import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.web import actor_for
from core import dates
from core import export as files
from core.errors import NotFound, ValidationFailed
from core.toasts import with_undo
from core.web import is_htmx, page_from, panel_context, render_page, safe_next, web_view
from projects import queries
from projects.access import Level, level_of, require_level
from projects.forms.items import (
    BulkForm,
    DependencyForm,
    ItemFilterForm,
    ItemForm,
    MoveForm,
    SavedViewForm,
    TimeLogForm,
    TransitionForm,
    milestone_choices,
    people_choices,
    sprint_choices,
    sprint_rows,
    state_choices,
)
from projects.models import FieldKind, Project, WorkItem
from projects.queries import board as boards
from projects.queries import export as exports
from projects.queries import transition_targets, workflow_states
from projects.queries.filters import FAR_FUTURE, FILTERS, GROUPS, apply, check_query
from projects.services import board as board_services
from projects.services import items as services
from projects.views.inline import inline_fields

if TYPE_CHECKING:
    from accounts.models import Membership

SOON_DAYS = 7
MY_WORK_SECTION_LIMIT = 100


def _project(request: HttpRequest, workspace: str, key: str) -> tuple["Membership", Project]:
    actor = actor_for(request, workspace)
    return actor, queries.get_project(actor, key)


def _can_edit(project: Project) -> bool:
    return getattr(project, "access", Level.NONE) >= Level.WORK


def _errors(error: ValidationFailed) -> list[str]:
    """A service's field errors as sentences: "field: message"."""
    lines = []
    for field, found in error.errors.items():
        for message in found if isinstance(found, list) else [found]:
            lines.append(
                str(message)
                if field in ("state_id", "item", "set", "blocked_by", "blocks", "other", "after", "before", "by")
                else f"{field}: {message}"
            )
    return lines


# --- The list -----------------------------------------------------------------------------------


def list_query(request: HttpRequest) -> tuple[dict[str, Any], list[str]]:
    """The list's filters from the query string, through the one allow list; other parameters
    (cursor, format) are the page's own."""
    raw = {name: request.GET.get(name) for name in FILTERS if name in request.GET}
    try:
        return check_query(raw), []
    except ValidationFailed as error:
        return {}, _errors(error)


def _list_choices(actor: "Membership", project: Project) -> dict[str, list[tuple[Any, Any]]]:
    sprints = sprint_rows(project)
    return {
        "state": state_choices(project),
        "owner": people_choices(actor, project),
        "sprint": [(pk, name) for pk, name, _status in sprints],
        "open_sprint": [(pk, name) for pk, name, status in sprints if status != queries.SPRINT_CLOSED],
        "milestone": milestone_choices(project),
    }


def _group_label(item: WorkItem, group: str) -> str:
    if group == "state":
        return item.state.name
    if group == "owner":
        return str(item.owner)
    if group == "priority":
        return str(item.get_priority_display())  # type: ignore[attr-defined]
    if group == "type":
        return str(item.get_type_display())  # type: ignore[attr-defined]
    return item.sprint.name if item.sprint else _("No sprint")


def _with_groups(items: list[WorkItem], group: str | None) -> list[tuple[str | None, WorkItem]]:
    """Each row with the header to show above it (when its group starts)."""
    rows: list[tuple[str | None, WorkItem]] = []
    previous = None
    for item in items:
        label = _group_label(item, group) if group else None
        rows.append((label if label != previous else None, item))
        previous = label
    return rows


# The list's columns a person may hide (lists.js keeps the choice); key and title always show.
CHOOSABLE_COLUMNS = [
    ("type", gettext_lazy("Type")),
    ("status", gettext_lazy("Status")),
    ("owner", gettext_lazy("Owner")),
    ("priority", gettext_lazy("Priority")),
    ("points", gettext_lazy("Points")),
    ("due", gettext_lazy("Due")),
    ("updated", gettext_lazy("Updated")),
]


@web_view
def item_list(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    query, errors = list_query(request)
    qs, order = apply(queries.items_of(project), query)
    page = page_from(request, qs, order=order)
    choices = _list_choices(actor, project)
    can_edit = _can_edit(project)
    views = list(queries.saved_views_of(actor, project).order_by("name", "id"))
    for view in views:
        view.url = "?" + urlencode(view.query)  # type: ignore[attr-defined]
    context = {
        "project": project,
        "tab": "items",
        "page": page,
        "rows": _with_groups(page.items, query.get("group")),
        "group": GROUPS[query["group"]][0] if "group" in query else None,
        "query": query,
        "query_string": urlencode(query),
        "filter_errors": errors,
        "filter_form": ItemFilterForm(initial=query, choices=choices),
        "bulk_form": BulkForm(choices=choices) if can_edit else None,
        "view_form": SavedViewForm(initial={"query": urlencode(query)}),
        "saved_views": views,
        "can_edit": can_edit,
        "can_manage": project.access >= Level.MANAGE,  # type: ignore[attr-defined]
        "columns": CHOOSABLE_COLUMNS,
    }
    return render_page(request, "projects/items.html", context, partial="results", status=422 if errors else 200)


@web_view
@require_POST
def item_bulk(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    back = safe_next(request, reverse("projects:items", args=[workspace, key]))
    form = BulkForm(request.POST, choices=_list_choices(actor, project))
    ids = [int(i) for i in request.POST.getlist("item_ids") if i.isdigit()]
    if not ids:
        messages.error(request, _("Check at least one item."))
        return redirect(back)
    if not form.is_valid():
        for field, found in form.errors.items():
            for message in found:
                label = form.fields[field].label if field in form.fields else None
                messages.error(request, f"{label}: {message}" if label else str(message))
        return redirect(back)
    try:
        changed = services.bulk_update(actor, project, item_ids=ids, **form.changes())
    except ValidationFailed as error:
        messages.error(request, _("Nothing was changed:"))
        for line in _errors(error):
            messages.error(request, line)
        return redirect(back)
    n = len(changed)
    messages.success(request, ngettext("%(n)s item was updated.", "%(n)s items were updated.", n) % {"n": n})
    return redirect(back)


@web_view
@require_POST
def view_save(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    form = SavedViewForm(request.POST)
    back = reverse("projects:items", args=[workspace, key])
    if form.is_valid():
        raw = QueryDict(form.cleaned_data["query"] or "")
        query = {name: raw.get(name) for name in raw if name in FILTERS}
        try:
            view = services.save_view(
                actor, project, name=form.cleaned_data["name"], query=query, shared=form.cleaned_data["shared"]
            )
        except ValidationFailed as error:
            for line in _errors(error):
                messages.error(request, line)
            return redirect(back)
        messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
        return redirect(back + ("?" + urlencode(view.query) if view.query else ""))
    messages.error(request, _("Give the view a name."))
    return redirect(back)


@web_view
@require_POST
def view_delete(request: HttpRequest, workspace: str, key: str, view_id: int) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    view = queries.get_saved_view(actor, view_id)
    if view.project_id != project.pk:
        raise NotFound()
    services.delete_view(actor, view)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
    return redirect("projects:items", workspace, key)


@web_view
def export(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    """The list as it is filtered, as CSV or XLSX: the same filters and permissions as the page."""
    _actor, project = _project(request, workspace, key)
    kind = request.GET.get("format", "csv")
    query = check_query({name: request.GET.get(name) for name in FILTERS if name in request.GET})
    body, content_type, truncated = exports.export_items(project, query, kind)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{project.key}-items.{kind}"'
    if truncated:
        response["X-Export-Truncated"] = str(files.MAX_ROWS)
    return response


# --- One item -----------------------------------------------------------------------------------


def _custom_values(item: WorkItem, fields: list[Any], people: dict[int, str]) -> list[tuple[str, str]]:
    """The project's custom fields with the item's values, as text."""
    shown = []
    for field in fields:
        value = item.custom.get(str(field.pk))
        labels = {o["id"]: o["label"] for o in field.options}
        if value in (None, "", []):
            text = "—"
        elif field.kind == FieldKind.SELECT:
            text = labels.get(value, "—")
        elif field.kind == FieldKind.MULTI_SELECT:
            text = ", ".join(labels.get(v, "?") for v in value)
        elif field.kind == FieldKind.USER:
            text = people.get(value, f"#{value}")
        else:
            text = str(value)
        shown.append((field.name, text))
    return shown


def _move_choices(actor: "Membership", item: WorkItem) -> list[tuple[str, str]]:
    return [
        (p.key, str(p))
        for p in queries.projects_for(actor).order_by("key")
        if p.pk != item.project_id and level_of(actor, getattr(p, "my_role", None)) >= Level.WORK
    ]


def _item_page(
    request: HttpRequest, actor: "Membership", item: WorkItem, *, status: int = 200, **forms: Any
) -> HttpResponse:
    project = item.project
    can_edit = _can_edit(project)
    blocks, blocked_by = queries.dependencies_of(item)
    context: dict[str, Any] = {"project": project, "item": item, "tab": "items", "can_edit": can_edit}
    targets = transition_targets(item)
    if can_edit:
        people = people_choices(actor, project)
        edit_form = forms.get("edit_form") or ItemForm(actor, project, item=item, people=people)
        context |= {
            "edit_form": edit_form,
            "transition_form": forms.get("transition_form")
            or TransitionForm(initial={"version": item.version}, targets=targets),
            "dependency_form": forms.get("dependency_form") or DependencyForm(),
            "time_form": forms.get("time_form") or TimeLogForm(initial={"day": timezone.localdate()}),
            "move_form": forms.get("move_form")
            or MoveForm(initial={"version": item.version}, projects=_move_choices(actor, item)),
            "resolution_needed": any("resolution" in s.required_fields for s in targets),
            "inline": inline_fields(actor, item),
        }
        custom_fields = edit_form.custom_fields
        names = dict(people)
    else:
        custom_fields = list(queries.fields_of(project).order_by("position", "id"))
        names = {}
        if any(f.kind == FieldKind.USER for f in custom_fields):
            names = dict(people_choices(actor, project))
    context |= dict(
        targets=targets,
        blocks=blocks,
        blocked_by=blocked_by,
        children=list(queries.children_of(item).order_by("number")),
        collaborators=list(item.collaborators.all()),
        time_logs=list(queries.time_logs_of(item).order_by("-day", "-id")[:20]),
        custom_values=_custom_values(item, custom_fields, names),
        **panel_context(actor, "work_item", item.pk),
    )
    return render_page(request, "projects/item_detail.html", context, status=status)


def _load_item(request: HttpRequest, workspace: str, key: str) -> tuple["Membership", WorkItem]:
    actor = actor_for(request, workspace)
    return actor, queries.get_item(actor, key)


@web_view
def item_detail(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, item = _load_item(request, workspace, key)
    if item.key != key:  # the item moved: its old key still finds it
        return redirect("projects:item", workspace, item.key, permanent=request.method == "GET")
    if request.method != "POST":
        return _item_page(request, actor, item)
    require_level(actor, item.project, Level.WORK)
    form = ItemForm(actor, item.project, request.POST, item=item)
    if form.is_valid():
        with form.service_errors():
            services.update_item(actor, item, **form.service_kwargs())
            messages.success(request, _("Saved."))
            return redirect("projects:item", workspace, item.key)
        item = queries.get_item(actor, key)  # as it is, not as the failed edit left it
    return _item_page(request, actor, item, status=form.status, edit_form=form)


@web_view
@require_POST
def item_delete(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    """To the trash, with an Undo on the toast (no confirmation: the undo is the safety)."""
    actor, item = _load_item(request, workspace, key)
    page = reverse("projects:item", args=[workspace, item.key])
    services.delete_item(actor, item)
    text = _("%(key)s was moved to the trash.") % {"key": item.key}
    with_undo(request, text, target_type="work_item", target_id=item.pk, next_url=page)
    return redirect("projects:items", workspace, item.project.key)


@web_view
def item_new(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    require_level(actor, project, Level.WORK)
    form = ItemForm(actor, project, request.POST or None)
    if form.is_valid():
        with form.service_errors():
            item = services.create_item(actor, project, **form.service_kwargs())
            messages.success(request, _("%(key)s was created.") % {"key": item.key})
            return redirect("projects:item", workspace, item.key)
    context = {"project": project, "form": form, "tab": "items"}
    return render_page(request, "projects/item_new.html", context, status=form.status)


@web_view
@require_POST
def item_transition(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, item = _load_item(request, workspace, key)
    states = workflow_states(item)
    form = TransitionForm(request.POST, targets=states)
    if form.is_valid():
        with form.service_errors():
            _item, warnings = services.transition(actor, item, **form.service_kwargs())
            messages.success(request, _("Moved to “%(state)s”.") % {"state": item.state.name})
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("projects:item", workspace, item.key)
        if form.conflict is not None:
            form.add_error(None, _("Someone else changed this item meanwhile; here it is as it is now."))
        item = queries.get_item(actor, item.key)
        form.data = form.data.copy()
        form.data["version"] = str(item.version)
    return _item_page(request, actor, item, status=form.status, transition_form=form)


@web_view
@require_POST
def item_dependency(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, item = _load_item(request, workspace, key)
    form = DependencyForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            services.link(actor, item, **{form.cleaned_data["relation"]: form.cleaned_data["item"]})
            messages.success(request, _("The dependency was added."))
            return redirect("projects:item", workspace, item.key)
    return _item_page(request, actor, item, status=form.status, dependency_form=form)


@web_view
@require_POST
def item_dependency_remove(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, item = _load_item(request, workspace, key)
    other = queries.get_item(actor, request.POST.get("item", ""))
    services.unlink(actor, item, other)
    messages.success(request, _("The dependency was removed."))
    return redirect("projects:item", workspace, item.key)


@web_view
@require_POST
def item_log_time(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, item = _load_item(request, workspace, key)
    form = TimeLogForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            services.log_time(actor, item, **form.cleaned_data)
            messages.success(request, _("The time was logged."))
            return redirect("projects:item", workspace, item.key)
    return _item_page(request, actor, item, status=form.status, time_form=form)


@web_view
@require_POST
def item_move(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, item = _load_item(request, workspace, key)
    require_level(actor, item.project, Level.WORK)
    form = MoveForm(request.POST, projects=_move_choices(actor, item))
    if form.is_valid():
        with form.service_errors():
            target = queries.get_project(actor, form.cleaned_data["project"])
            old_key = item.key
            item = services.move_item(actor, item, project=target, version=form.cleaned_data["version"])
            messages.success(request, _("%(old)s is now %(new)s.") % {"old": old_key, "new": item.key})
            return redirect("projects:item", workspace, item.key)
        item = queries.get_item(actor, key)
    return _item_page(request, actor, item, status=form.status, move_form=form)


# --- The board ----------------------------------------------------------------------------------


def _int_param(request: HttpRequest, name: str, source: Any = None) -> int | None:
    value = (source if source is not None else request.GET).get(name) or ""
    if not value:
        return None
    if not value.isdigit():
        raise ValidationFailed({name: _("Enter a whole number.")})
    return int(value)


def _board_context(
    actor: "Membership", project: Project, *, by: str, workflow_id: int | None, sprint_id: int | None
) -> dict[str, Any]:
    board = boards.board_for(actor, project, by=by, workflow_id=workflow_id, sprint_id=sprint_id)
    return {
        "project": project,
        "tab": "board",
        "board": board,
        "sprints": sprint_choices(project),
        "can_edit": _can_edit(project),
    }


@web_view
def board(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    actor, project = _project(request, workspace, key)
    by = request.GET.get("by") or "status"
    context = _board_context(
        actor,
        project,
        by=by,
        workflow_id=_int_param(request, "workflow"),
        sprint_id=_int_param(request, "sprint"),
    )
    return render_page(request, "projects/board.html", context, partial="board")


@web_view
@require_POST
def board_move(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    """A card dropped on a column, between the card above it (`after`) and the one below it
    (`before`): a transition (status board) or a new owner (owner board), and its place. Answers
    with the board as it now is, and the reason when the move was refused (nothing changed)."""
    actor, project = _project(request, workspace, key)
    by = request.POST.get("by") or "status"
    item_id, value = _int_param(request, "item", request.POST), _int_param(request, "value", request.POST)
    if item_id is None or value is None:
        raise ValidationFailed({"item": _("Choose an item and a column.")})
    item = queries.get_item_by_id(actor, item_id)
    if item.project_id != project.pk:
        raise NotFound()
    notices: list[str] = []
    errors: list[str] = []
    was = (item.state_id, item.owner_id)
    try:
        after, before = _int_param(request, "after", request.POST), _int_param(request, "before", request.POST)
        item, warnings = board_services.move_card(actor, item, by=by, value=value, after=after, before=before)
        if by == "owner" and item.owner_id != was[1]:
            notices.append(_("%(key)s now belongs to %(owner)s.") % {"key": item.key, "owner": item.owner})
        elif by != "owner" and item.state_id != was[0]:
            notices.append(_("%(key)s moved to “%(state)s”.") % {"key": item.key, "state": item.state.name})
        else:
            notices.append(_("%(key)s was placed.") % {"key": item.key})
        notices += warnings
    except ValidationFailed as error:
        errors = [_("%(key)s was not moved:") % {"key": item.key}, *_errors(error)]
    workflow_id = _int_param(request, "workflow", request.POST)
    sprint_id = _int_param(request, "sprint", request.POST)
    if not is_htmx(request):
        for line in errors:
            messages.error(request, line)
        for line in notices:
            messages.info(request, line)
        params = {k: v for k, v in {"by": by, "workflow": workflow_id, "sprint": sprint_id}.items() if v}
        return redirect(reverse("projects:board", args=[workspace, key]) + "?" + urlencode(params))
    context = _board_context(actor, project, by=by, workflow_id=workflow_id, sprint_id=sprint_id)
    context |= {"move_errors": errors, "move_notices": notices}
    return render_page(request, "projects/board.html", context, partial="board", status=422 if errors else 200)


# --- Timeline and calendar ----------------------------------------------------------------------


def _date_param(request: HttpRequest, name: str, default: datetime.date) -> datetime.date:
    value = request.GET.get(name)
    if not value:
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({name: _("Enter a date as YYYY-MM-DD.")}) from None


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


@web_view
def timeline(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    _actor, project = _project(request, workspace, key)
    today = timezone.localdate()
    this_month = today.replace(day=1)
    start = _date_param(request, "start", _add_months(this_month, -2))
    end = _date_param(request, "end", _add_months(this_month, 3) - datetime.timedelta(days=1))
    schedule = boards.schedule_for(project, start=start, end=end)
    gantt = boards.gantt_layout(schedule, today=today, no_milestone=_("No milestone"))
    span = end - start
    blockers = _blockers_of(schedule)
    context = {
        "project": project,
        "tab": "timeline",
        "schedule": schedule,
        "gantt": gantt,
        "today": today,
        "earlier": urlencode(
            {"start": (start - span).isoformat(), "end": (start - datetime.timedelta(days=1)).isoformat()}
        ),
        "later": urlencode({"start": (end + datetime.timedelta(days=1)).isoformat(), "end": (end + span).isoformat()}),
        "table_rows": [(i, blockers.get(i.id, [])) for i in schedule.items],
    }
    return render_page(request, "projects/timeline.html", context)


def _blockers_of(schedule: boards.Schedule) -> dict[int, list[str]]:
    keys = {i.id: i.key for i in schedule.items}
    found: dict[int, list[str]] = {}
    for blocker, blocked in schedule.dependencies:
        found.setdefault(blocked, []).append(keys[blocker])
    return found


@web_view
def calendar_view(request: HttpRequest, workspace: str, key: str) -> HttpResponse:
    _actor, project = _project(request, workspace, key)
    today = timezone.localdate()
    raw = request.GET.get("month") or today.strftime("%Y-%m")
    try:
        month = datetime.date.fromisoformat(raw + "-01")
    except ValueError:
        raise ValidationFailed({"month": _("Enter a month as YYYY-MM.")}) from None
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    schedule = boards.schedule_for(project, start=weeks[0][0], end=weeks[-1][-1])
    due: dict[datetime.date, list[Any]] = {}
    for item in schedule.items:
        if item.due_date is not None:
            due.setdefault(item.due_date, []).append(item)
    milestones: dict[datetime.date, list[Any]] = {}
    for milestone in schedule.milestones:
        milestones.setdefault(milestone.due_date, []).append(milestone)
    grid = [
        [
            {
                "day": day,
                "in_month": day.month == month.month,
                "items": due.get(day, []),
                "milestones": milestones.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]
    weekdays = dates.weekday_names()  # the calendar starts on Monday, in the reader's language
    context = {
        "project": project,
        "tab": "calendar",
        "month": month,
        "grid": grid,
        "weekdays": weekdays,
        "month_name": dates.month_name(month),
        "today": today,
        "previous": _add_months(month, -1).strftime("%Y-%m"),
        "next": _add_months(month, 1).strftime("%Y-%m"),
    }
    return render_page(request, "projects/calendar.html", context)


# --- My work ------------------------------------------------------------------------------------


@web_view
def my_work(request: HttpRequest, workspace: str) -> HttpResponse:
    """The open items I own across projects: overdue first, then due soon, then the rest."""
    actor = actor_for(request, workspace)
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=SOON_DAYS)
    qs = queries.my_work(actor)
    overdue_q, soon_q = Q(due_date__lt=today), Q(due_date__gte=today, due_date__lte=soon)
    counts = qs.aggregate(
        overdue=Count("id", filter=overdue_q),
        soon=Count("id", filter=soon_q),
        later=Count("id", filter=~overdue_q & ~soon_q | Q(due_date__isnull=True)),
    )
    ordered = qs.annotate(due=Coalesce("due_date", Value(FAR_FUTURE))).order_by("due", "priority_rank", "id")
    overdue = list(ordered.filter(overdue_q)[:MY_WORK_SECTION_LIMIT])
    for item in overdue:
        item.days_late = (today - item.due_date).days  # type: ignore[attr-defined, operator]
    sections = [
        ("overdue", _("Overdue"), counts["overdue"], overdue),
        (
            "soon",
            _("Due in the next %(n)s days") % {"n": SOON_DAYS},
            counts["soon"],
            list(ordered.filter(soon_q)[:MY_WORK_SECTION_LIMIT]),
        ),
        (
            "later",
            _("Later or without a date"),
            counts["later"],
            list(ordered.exclude(overdue_q).exclude(soon_q)[:MY_WORK_SECTION_LIMIT]),
        ),
    ]
    context = {"sections": sections, "today": today, "limit": MY_WORK_SECTION_LIMIT}
    return render_page(request, "projects/my_work.html", context)


ITEMS = "w/<slug:workspace>/items/<str:key>/"
PROJECT = "w/<slug:workspace>/projects/<str:key>/"
urlpatterns: list = [
    path("w/<slug:workspace>/my-work/", my_work, name="my_work"),
    path(PROJECT + "items/", item_list, name="items"),
    path(PROJECT + "items/new/", item_new, name="item_new"),
    path(PROJECT + "items/bulk/", item_bulk, name="items_bulk"),
    path(PROJECT + "items/export/", export, name="export"),
    path(PROJECT + "views/", view_save, name="view_save"),
    path(PROJECT + "views/<int:view_id>/delete/", view_delete, name="view_delete"),
    path(PROJECT + "board/", board, name="board"),
    path(PROJECT + "board/move/", board_move, name="board_move"),
    path(PROJECT + "timeline/", timeline, name="timeline"),
    path(PROJECT + "calendar/", calendar_view, name="calendar"),
    path(ITEMS, item_detail, name="item"),
    path(ITEMS + "transition/", item_transition, name="item_transition"),
    path(ITEMS + "dependencies/", item_dependency, name="item_dependency"),
    path(ITEMS + "dependencies/remove/", item_dependency_remove, name="item_dependency_remove"),
    path(ITEMS + "time/", item_log_time, name="item_log_time"),
    path(ITEMS + "move/", item_move, name="item_move"),
    path(ITEMS + "delete/", item_delete, name="item_delete"),
]
