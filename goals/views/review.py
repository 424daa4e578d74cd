"""Web pages of the end of a cycle: the live SMART check of the objective and key-result forms,
the OKR review of an objective's subtree, and the cycle report with its exports. Thin: parse with
a form, call the same services and queries as the API, render."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.web import actor_for
from core.charts import Box, Chart, Series, bar_chart
from core.errors import Conflict, ValidationFailed
from core.permissions import can
from core.web import web_view
from goals.forms.review import (
    ReportFormatForm,
    SmartCheckForm,
    attach_errors,
    cells,
    posted_values,
    review_entries,
    review_rows,
    smart_data,
)
from goals.models import Confidence
from goals.queries import report
from goals.queries import review as queries
from goals.services import review

W = "w/<slug:workspace>/goals/"


@web_view
@require_POST
def smart_check(request: HttpRequest, workspace: str) -> HttpResponse:
    """The SMART findings of the form that posts here (htmx, on input): the `goals/_smart.html` partial."""
    actor = actor_for(request, workspace)
    values = SmartCheckForm(smart_data(request.POST)).values()
    try:
        findings = queries.live_check(actor, **values)
    except ValidationFailed as error:
        # An id of nothing here (a stale form): check without it rather than fail a hint.
        for field in error.errors:
            values.pop(field, None)
        findings = queries.live_check(actor, **{"kind": "objective", **values})
    return render(request, "goals/_smart.html", {"findings": findings, "checked": True})


# --- The OKR review ------------------------------------------------------------------------------


@web_view
def review_page(request: HttpRequest, workspace: str, objective_id: int) -> HttpResponse:
    """The objective and every objective aligned to it on one page: check in on each key result,
    score it, assess each objective, and save it all at once (all or nothing)."""
    actor = actor_for(request, workspace)
    found = queries.review_of(actor, objective_id)
    rows = review_rows(found["objectives"])
    can_edit = can(actor, "goals.edit") and not found["cycle"].read_only
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            counts = review.submit_review(actor, found["root"], entries=review_entries(rows, request.POST))
        except ValidationFailed as error:
            errors, status = attach_errors(rows, error.errors), 422
            posted_values(rows, request.POST)
        except Conflict as error:
            errors, status = [str(error.detail)], 409
        else:
            messages.success(
                request,
                _("Review saved: %(check_ins)s check-ins, %(scores)s scores, %(assessments)s assessments.") % counts,
            )
            return redirect("goals:review", workspace, objective_id)
    cells(rows)
    context = {
        **found,
        "rows": rows,
        "can_edit": can_edit,
        "errors": errors,
        "confidence_choices": Confidence.choices,
    }
    return render(request, "goals/review.html", context, status=status)


# --- The cycle report ----------------------------------------------------------------------------


@web_view
def report_page(request: HttpRequest, workspace: str, cycle_id: int) -> HttpResponse:
    """The cycle per level and per department; `?format=csv|xlsx` downloads it."""
    actor = actor_for(request, workspace)
    if "format" in request.GET:
        form = ReportFormatForm(request.GET)
        kind = form.cleaned_data["format"] if form.is_valid() else str(request.GET.get("format"))
        body, content_type, name = report.export(actor, cycle_id, kind)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    found = report.cycle_report(actor, cycle_id)
    chart = _chart(found)
    context: dict[str, Any] = {
        "report": found,
        "cycle": found.cycle,
        "chart": chart,
        "sections": [
            (_("By level"), "levels-heading", [g for g in found.levels if g.objectives]),
            (_("By department"), "departments-heading", found.departments),
        ],
    }
    return render(request, "goals/report.html", context)


def _chart(found: report.Report) -> Chart | None:
    """Average progress per level with objectives, as bars on a 0–100 % axis; None when there are none."""
    levels = [g for g in found.levels if g.objectives]
    if not levels:
        return None
    return bar_chart(
        title=_("Average progress by level"),
        labels=[str(g.label) for g in levels],
        series=[Series("progress", _("Average progress"), [g.average_progress or 0.0 for g in levels])],
        x_label=_("Level"),
        y_label=_("Average progress"),
        unit="%",
        y_max=100,
        box=Box(height=240),
    )


urlpatterns: list[URLPattern] = [
    path(W + "smart-check/", smart_check, name="smart-check"),
    path(W + "objectives/<int:objective_id>/review/", review_page, name="review"),
    path(W + "cycles/<int:cycle_id>/report/", report_page, name="report"),
]
