"""Web pages of feedback: the triage inbox (filters, keyboard-friendly bulk actions, exports), one
feedback item with its links to requirements, recording feedback, imports with a preview, and the
product's public form (no login). Thin: parse with a form, call the same service or query as the
API, render."""

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.web import actor_for
from core import export as files
from core.errors import ValidationFailed
from core.permissions import can, require
from core.web import client_ip, errors_as_pages, page_from, panel_context, render_page, safe_next, web_view
from product import queries
from product.forms.feedback import (
    ANY_STATUS,
    BulkForm,
    FeedbackFilterForm,
    FeedbackForm,
    ImportForm,
    LinkForm,
    PublicFeedbackForm,
    StatusForm,
)
from product.models import Feedback, FeedbackStatus
from product.queries import export as exports
from product.queries import feedback as queries_feedback
from product.services import feedback as services
from product.services import imports
from product.services.feedback import STATUS_TRANSITIONS
from product.views.inline import feedback_fields

if TYPE_CHECKING:
    from accounts.models import Membership

# The public form's body: a larger one is refused before it is parsed.
MAX_PUBLIC_BODY = 64 * 1024


def _errors(error: ValidationFailed) -> list[str]:
    return [str(message) for found in error.errors.values() for message in found]


def _field_errors(error: ValidationFailed) -> list[str]:
    return [f"{field}: {message}" for field, found in error.errors.items() for message in found]


# --- The inbox -----------------------------------------------------------------------------------


def inbox_query(request: HttpRequest) -> tuple[dict[str, Any], list[str]]:
    """The inbox's filters from the query string, through the one allow list; other parameters
    (cursor, format) are the page's own. The inbox opens on new feedback, the work to triage:
    without a status it shows new feedback, and `status=any` (or an empty one) shows every status."""
    raw = {name: request.GET.get(name) for name in queries_feedback.FILTERS if name in request.GET}
    if "status" not in raw:
        raw["status"] = FeedbackStatus.NEW.value
    elif raw["status"] in (ANY_STATUS, ""):
        del raw["status"]
    try:
        return queries_feedback.check_query(raw), []
    except ValidationFailed as error:
        return {}, _field_errors(error)


@web_view
def inbox(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    query, errors = inbox_query(request)
    page = page_from(request, queries_feedback.feedback_for(actor, query))
    can_edit = can(actor, "product.edit")
    context = {
        "page": page,
        "query": query,
        "query_string": urlencode(query),
        "filter_errors": errors,
        "filter_form": FeedbackFilterForm(
            initial=query if "status" in query else {**query, "status": ANY_STATUS},
            products=queries.product_choices(actor),
        ),
        "bulk_form": BulkForm() if can_edit else None,
        "can_edit": can_edit,
    }
    return render_page(
        request, "product/feedback_inbox.html", context, partial="results", status=422 if errors else 200
    )


@web_view
@require_POST
def bulk(request: HttpRequest, workspace: str) -> HttpResponse:
    """The action bar: the pressed button names the action; the value comes from its own field."""
    actor = actor_for(request, workspace)
    back = safe_next(request, reverse("product:feedback-inbox", args=[workspace]))
    raw_ids = request.POST.getlist("ids")
    ids = [int(i) for i in raw_ids if i.isdigit() and len(i) <= 16]
    action = request.POST.get("action", "")
    if not ids or len(ids) != len(raw_ids):
        messages.error(request, _("Check at least one feedback item."))
        return redirect(back)
    value: Any = {
        "set_status": request.POST.get("status"),
        "add_tag": request.POST.get("tag"),
        "link": request.POST.get("requirement"),
    }.get(action)
    try:
        n = services.bulk_feedback(actor, ids=ids, action=action, value=value)
    except ValidationFailed as error:
        messages.error(request, _("Nothing was changed:"))
        for line in _errors(error):
            messages.error(request, line)
        return redirect(back)
    done = {
        "set_status": ngettext("The status of %(n)s item was set.", "The status of %(n)s items was set.", n),
        "add_tag": ngettext("%(n)s item was tagged.", "%(n)s items were tagged.", n),
        "link": ngettext("%(n)s item was linked.", "%(n)s items were linked.", n),
        "delete": ngettext("%(n)s item was moved to the trash.", "%(n)s items were moved to the trash.", n),
    }[action]
    messages.success(request, done % {"n": n})
    # Triage moves on: the inbox opens with the next row (product-triage.js names it) focused.
    focus = request.POST.get("focus", "")
    return redirect(back + (f"#feedback-{focus}" if focus.isdigit() and len(focus) <= 16 else ""))


@web_view
def export_feedback(request: HttpRequest, workspace: str) -> HttpResponse:
    """The inbox as it is filtered, as CSV or XLSX: the same filters and permissions as the page."""
    actor = actor_for(request, workspace)
    kind = files.check_format(request.GET.get("format"))
    raw = {name: request.GET.get(name) for name in queries_feedback.FILTERS if name in request.GET}
    if raw.get("status") == ANY_STATUS:  # the inbox's "every status"
        del raw["status"]
    export = exports.export_feedback(actor, queries_feedback.check_query(raw))
    return cast(HttpResponse, exports.response_for(export, kind, _("Feedback")))  # a CSV streams


@web_view
def export_requirements(request: HttpRequest, workspace: str) -> HttpResponse:
    """The backlog as it is filtered and sorted, as CSV or XLSX."""
    actor = actor_for(request, workspace)
    kind = files.check_format(request.GET.get("format"))
    raw = {name: request.GET.get(name) for name in queries.FILTERS if name in request.GET}
    export = exports.export_requirements(actor, queries.check_query(raw))
    return cast(HttpResponse, exports.response_for(export, kind, _("Requirements")))  # a CSV streams


# --- Recording and editing -----------------------------------------------------------------------


@web_view
def feedback_new(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    require(actor, "product.edit")
    products = queries.product_choices(actor)
    initial = {"product_id": request.GET.get("product")} if request.GET.get("product", "").isdigit() else {}
    form = FeedbackForm(request.POST or None, products=products, initial=initial)
    if form.is_valid():
        with form.service_errors():
            feedback = services.create_feedback(actor, **form.service_kwargs())
            messages.success(request, _("The feedback was recorded."))
            return redirect("product:feedback", workspace, feedback.pk)
    return render_page(request, "product/feedback_new.html", {"form": form}, status=form.status)


def _edit_initial(feedback: Feedback) -> dict[str, Any]:
    customer = feedback.customer
    return {
        "product_id": feedback.product_id,
        "channel": feedback.channel,
        "kind": feedback.kind,
        "sentiment": feedback.sentiment,
        "content": feedback.content,
        "tags": feedback.tags,
        "customer_name": customer.name if customer else "",
        "customer_email": customer.email if customer else "",
        "customer_company": customer.company if customer else "",
        "customer_segment": customer.segment if customer else "",
        "version": feedback.version,
    }


def _feedback_page(
    request: HttpRequest, actor: "Membership", feedback: Feedback, *, status: int = 200, **forms: Any
) -> HttpResponse:
    can_edit = can(actor, "product.edit")
    context: dict[str, Any] = {
        "feedback": feedback,
        "links": feedback.live_links,  # type: ignore[attr-defined]
        "can_edit": can_edit,
        **panel_context(actor, "feedback", feedback.pk),
    }
    if can_edit:
        products = queries.product_choices(actor)
        context |= {
            "edit_form": forms.get("edit_form")
            or FeedbackForm(initial=_edit_initial(feedback), products=products, editing=True),
            "link_form": forms.get("link_form") or LinkForm(),
            "status_form": forms.get("status_form"),
            "targets": [FeedbackStatus(s) for s in STATUS_TRANSITIONS[feedback.status]],
            "inline": feedback_fields(actor, feedback),
        }
    return render_page(request, "product/feedback.html", context, status=status)


def _load(request: HttpRequest, workspace: str, feedback_id: int) -> tuple["Membership", Feedback]:
    actor = actor_for(request, workspace)
    return actor, queries_feedback.get_feedback(actor, feedback_id)


@web_view
def feedback_detail(request: HttpRequest, workspace: str, feedback_id: int) -> HttpResponse:
    actor, feedback = _load(request, workspace, feedback_id)
    if request.method != "POST":
        return _feedback_page(request, actor, feedback)
    require(actor, "product.edit")
    form = FeedbackForm(request.POST, products=queries.product_choices(actor), editing=True)
    if form.is_valid():
        with form.service_errors():
            services.update_feedback(actor, feedback, version=form.cleaned_data["version"], **form.service_kwargs())
            messages.success(request, _("Saved."))
            return redirect("product:feedback", workspace, feedback.pk)
        feedback = queries_feedback.get_feedback(actor, feedback_id)  # as it is, not as the failed edit left it
    return _feedback_page(request, actor, feedback, status=form.status, edit_form=form)


@web_view
@require_POST
def feedback_status(request: HttpRequest, workspace: str, feedback_id: int) -> HttpResponse:
    actor, feedback = _load(request, workspace, feedback_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            target = form.cleaned_data["target"]
            services.set_status(actor, feedback, status=target, version=form.cleaned_data["version"])
            label = FeedbackStatus(target).label
            messages.success(request, _("The feedback is now “%(status)s”.") % {"status": label})
            if request.POST.get("then") == "next":  # triage goes on with the next new feedback
                following = queries_feedback.next_new_feedback(actor, after=feedback.pk)
                if following is None:
                    messages.info(request, _("No new feedback is left to triage."))
                    return redirect("product:feedback-inbox", workspace)
                return redirect("product:feedback", workspace, following)
            return redirect("product:feedback", workspace, feedback.pk)
        if form.conflict is not None:
            form.add_error(None, _("Someone else changed this feedback meanwhile; here it is as it is now."))
        feedback = queries_feedback.get_feedback(actor, feedback_id)
    return _feedback_page(request, actor, feedback, status=form.status, status_form=form)


@web_view
@require_POST
def feedback_link(request: HttpRequest, workspace: str, feedback_id: int) -> HttpResponse:
    actor, feedback = _load(request, workspace, feedback_id)
    form = LinkForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            requirement = services.requirement_by_reference(actor, form.cleaned_data["requirement"], "requirement")
            services.link_requirement(actor, feedback, requirement)
            messages.success(request, _("Linked to %(key)s.") % {"key": requirement.key})
            return redirect("product:feedback", workspace, feedback.pk)
    return _feedback_page(request, actor, feedback, status=form.status, link_form=form)


@web_view
@require_POST
def feedback_unlink(request: HttpRequest, workspace: str, feedback_id: int, number: int) -> HttpResponse:
    actor, feedback = _load(request, workspace, feedback_id)
    requirement = queries.get_requirement(actor, number)
    services.unlink_requirement(actor, feedback, requirement)
    messages.success(request, _("The link to %(key)s was removed.") % {"key": requirement.key})
    return redirect("product:feedback", workspace, feedback.pk)


@web_view
@require_POST
def feedback_delete(request: HttpRequest, workspace: str, feedback_id: int) -> HttpResponse:
    actor, feedback = _load(request, workspace, feedback_id)
    services.delete_feedback(actor, feedback)
    messages.success(request, _("The feedback was moved to the trash."))
    return redirect("product:feedback-inbox", workspace)


# --- Imports -------------------------------------------------------------------------------------


@web_view
def import_new(request: HttpRequest, workspace: str) -> HttpResponse:
    """Step 1: upload and check; the preview follows."""
    actor = actor_for(request, workspace)
    require(actor, "product.edit")
    form = ImportForm(request.POST or None, request.FILES or None, products=queries.product_choices(actor))
    if form.is_valid():
        with form.service_errors():
            product = queries.get_product(actor, form.cleaned_data["product_id"])
            found = imports.upload_import(
                actor, product, file=form.cleaned_data["file"], channel=form.cleaned_data["channel"] or None
            )
            return redirect("product:feedback-import", workspace, found.pk)
    return render_page(request, "product/import.html", {"form": form}, status=form.status)


@web_view
def import_preview(request: HttpRequest, workspace: str, import_id: int) -> HttpResponse:
    """The preview before confirming, and the report after."""
    actor = actor_for(request, workspace)
    found = queries_feedback.get_import(actor, import_id)
    context = {"found": found, "summary": imports.summary_of(found), "can_edit": can(actor, "product.edit")}
    return render_page(request, "product/import_preview.html", context)


@web_view
@require_POST
def import_confirm(request: HttpRequest, workspace: str, import_id: int) -> HttpResponse:
    """Step 2: write the good rows."""
    actor = actor_for(request, workspace)
    found = queries_feedback.get_import(actor, import_id)
    summary = imports.confirm_import(actor, found)
    n = summary.imported
    messages.success(
        request, ngettext("%(n)s feedback item was imported.", "%(n)s feedback items were imported.", n) % {"n": n}
    )
    if summary.valid - n > 0 or summary.invalid:
        messages.warning(request, _("Some rows were not imported: they are listed with their reasons."))
    return redirect("product:feedback-import", workspace, found.pk)


# --- The public form -----------------------------------------------------------------------------


def _too_large() -> str:
    return _("The submission is too large: at most %(n)s KB. Shorten the feedback.") % {"n": MAX_PUBLIC_BODY // 1024}


@errors_as_pages
def public_form(request: HttpRequest, token: str) -> HttpResponse:
    """The product's feedback form, for anyone: no login. Rate-limited; the text is kept as text."""
    product = queries_feedback.product_for_form(token)
    context: dict[str, Any] = {"product": product}
    if request.method != "POST":
        context["form"] = PublicFeedbackForm()
        return render(request, "product/public_form.html", context)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_PUBLIC_BODY:
        context |= {"form": PublicFeedbackForm(), "content_errors": [_too_large()]}
        return render(request, "product/public_form.html", context, status=413)
    form = PublicFeedbackForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            services.submit_public_feedback(product, ip=client_ip(request), **form.cleaned_data)
            return redirect("product:public-form-thanks", token)
    context["form"] = form
    response = render(request, "product/public_form.html", context, status=form.status)
    if form.status == 429:
        response["Retry-After"] = str(services.PUBLIC_PER_IP[1])
    return response


@errors_as_pages
def public_thanks(request: HttpRequest, token: str) -> HttpResponse:
    product = queries_feedback.product_for_form(token)
    return render(request, "product/public_form_thanks.html", {"product": product})


W = "w/<slug:workspace>/"
FEEDBACK = W + "feedback/<int:feedback_id>/"
urlpatterns: list[URLPattern] = [
    path(W + "feedback/", inbox, name="feedback-inbox"),
    path(W + "feedback/new/", feedback_new, name="feedback-new"),
    path(W + "feedback/bulk/", bulk, name="feedback-bulk"),
    path(W + "feedback/export/", export_feedback, name="feedback-export"),
    path(W + "feedback/import/", import_new, name="feedback-import-new"),
    path(W + "feedback/imports/<int:import_id>/", import_preview, name="feedback-import"),
    path(W + "feedback/imports/<int:import_id>/confirm/", import_confirm, name="feedback-import-confirm"),
    path(FEEDBACK, feedback_detail, name="feedback"),
    path(FEEDBACK + "status/", feedback_status, name="feedback-status"),
    path(FEEDBACK + "links/", feedback_link, name="feedback-link"),
    path(FEEDBACK + "links/<int:number>/remove/", feedback_unlink, name="feedback-unlink"),
    path(FEEDBACK + "delete/", feedback_delete, name="feedback-delete"),
    path(W + "requirements/export/", export_requirements, name="requirements-export"),
    path("feedback/<str:token>/", public_form, name="public-form"),
    path("feedback/<str:token>/thanks/", public_thanks, name="public-form-thanks"),
]
