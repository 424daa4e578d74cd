"""Web pages of key results, reached from the objective page: add and edit a key result (with the
live SMART check), delete it, check in, link work and unlink it. Thin: parse with a form, call the
same service as the API, go back to the objective (POST-redirect-GET)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.web import actor_for
from core.permissions import require
from core.web import web_view
from goals import smart
from goals.forms.key_results import CheckInForm, KeyResultEditForm, KeyResultForm, LinkForm
from goals.models import KeyResult, Objective
from goals.queries import key_results as queries
from goals.services import key_results
from goals.services.cycles import require_writable

W = "w/<slug:workspace>/goals/"
KR = W + "key-results/<int:key_result_id>/"


def _back(workspace: str, objective_id: int, key_result_id: int | None = None) -> HttpResponse:
    url = reverse("goals:objective", args=[workspace, objective_id])
    return redirect(url + (f"#kr-{key_result_id}" if key_result_id else "#key-results"))


def _findings(form: KeyResultForm, objective: Objective) -> list[smart.Finding]:
    """The SMART findings of what the form holds now (shown before the first keystroke)."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else form.initial
    if not data.get("title"):
        return []
    return smart.check_key_result(
        title=data.get("title") or "",
        metric=data.get("metric") or "",
        start_value=data.get("start_value"),
        target_value=data.get("target_value"),
        owner_id=data.get("owner_id"),
        due_date=data.get("due_date"),
        cycle=objective.cycle,
    )


def _form_page(
    request: HttpRequest, actor: Any, objective: Objective, form: KeyResultForm, key_result: KeyResult | None
) -> HttpResponse:
    context = {
        "objective": objective,
        "key_result": key_result,
        "form": form,
        "findings": _findings(form, objective),
    }
    return render(request, "goals/key_result_form.html", context, status=form.status)


@web_view
def key_result_new(request: HttpRequest, workspace: str, objective_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    objective = queries.get_objective(actor, objective_id)
    require(actor, "goals.edit")
    require_writable(objective.cycle)
    initial = {"owner_id": actor.user_id, "due_date": objective.cycle.end_date}
    form = KeyResultForm(queries.owner_choices(actor), request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            key_result = key_results.create_key_result(actor, objective, **form.values())
            messages.success(request, _("The key result was added."))
            return _back(workspace, objective.pk, key_result.pk)
    return _form_page(request, actor, objective, form, None)


@web_view
def key_result_edit(request: HttpRequest, workspace: str, key_result_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    require(actor, "goals.edit")
    require_writable(key_result.objective.cycle)
    form = KeyResultEditForm(queries.owner_choices(actor), key_result, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            key_results.update_key_result(actor, key_result, version=form.cleaned_data["version"], **form.values())
            messages.success(request, _("Saved."))
            return _back(workspace, key_result.objective_id, key_result.pk)
    return _form_page(request, actor, key_result.objective, form, key_result)


@web_view
@require_POST
def key_result_delete(request: HttpRequest, workspace: str, key_result_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    key_results.delete_key_result(actor, key_result)
    messages.success(request, _("“%(title)s” was moved to the trash.") % {"title": key_result.title})
    return _back(workspace, key_result.objective_id)


@web_view
def key_result_check_in(request: HttpRequest, workspace: str, key_result_id: int) -> HttpResponse:
    """The key result's history and the check-in form."""
    actor = actor_for(request, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    require(actor, "goals.edit")
    require_writable(key_result.objective.cycle)
    form = CheckInForm(key_result, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            key_results.check_in(actor, key_result, **form.cleaned_data)
            messages.success(request, _("Checked in."))
            return _back(workspace, key_result.objective_id, key_result.pk)
    cycle = key_result.objective.cycle
    history = list(queries.check_ins_of(key_result).order_by("created_at", "id"))
    context = {
        "key_result": key_result,
        "objective": key_result.objective,
        "form": form,
        "chart": queries.chart_of(key_result, history, cycle.start_date, cycle.end_date),
    }
    return render(request, "goals/check_in_form.html", context, status=form.status)


@web_view
def key_result_link(request: HttpRequest, workspace: str, key_result_id: int) -> HttpResponse:
    """The key result's links, and a form to link a project, requirement or work item by its key."""
    actor = actor_for(request, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    require(actor, "goals.edit")
    require_writable(key_result.objective.cycle)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form.service_errors():
            key_results.link_by_reference(actor, key_result, reference=form.cleaned_data["reference"])
            messages.success(request, _("Linked."))
            return redirect("goals:key-result-link", workspace, key_result.pk)
    links = list(queries.links_of(key_result).order_by("kind", "id"))
    for link in links:
        link.label = queries.link_label(link)  # type: ignore[attr-defined]
    context = {"key_result": key_result, "objective": key_result.objective, "form": form, "links": links}
    return render(request, "goals/key_result_links.html", context, status=form.status)


@web_view
@require_POST
def key_result_unlink(request: HttpRequest, workspace: str, key_result_id: int, link_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    key_results.unlink_work(actor, key_result, queries.get_link(actor, key_result, link_id))
    messages.success(request, _("Unlinked."))
    if request.POST.get("from") == "links":
        return redirect("goals:key-result-link", workspace, key_result.pk)
    return _back(workspace, key_result.objective_id, key_result.pk)


urlpatterns: list[URLPattern] = [
    path(W + "objectives/<int:objective_id>/key-results/new/", key_result_new, name="key-result-new"),
    path(KR + "edit/", key_result_edit, name="key-result-edit"),
    path(KR + "delete/", key_result_delete, name="key-result-delete"),
    path(KR + "check-in/", key_result_check_in, name="key-result-check-in"),
    path(KR + "links/", key_result_link, name="key-result-link"),
    path(KR + "links/<int:link_id>/delete/", key_result_unlink, name="key-result-unlink"),
]
