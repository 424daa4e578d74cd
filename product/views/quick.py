"""The quick-create dialogs of requirements and feedback (`c` on product pages, or the palette):
a few fields, through the same services as the full forms. An htmx request gets the dialog's form."""

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, path, resolve, reverse
from django.utils.translation import gettext as _

from accounts.web import actor_for
from core.errors import NotFound
from core.permissions import require
from core.web import is_htmx, render_page, web_view
from product import queries
from product.forms.feedback import QuickFeedbackForm
from product.forms.requirements import QuickRequirementForm
from product.queries.feedback import get_feedback
from product.services import feedback as feedback_services
from product.services import requirements as requirement_services

if TYPE_CHECKING:
    from accounts.models import Membership

LAST_PRODUCT = "quick_create_product"  # session keys: what the dialogs remember between uses
CREATE_MORE = "quick_create_more"


def page_product_id(actor: "Membership", page: str) -> int | None:
    """The product the page at `page` (a path, maybe with a query) is about, if it names one."""
    parts = urlsplit(page)
    named = parse_qs(parts.query).get("product", [""])[0]
    if named.isdigit():
        return int(named)
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    if match.app_name != "product":
        return None
    try:
        if "product_id" in match.kwargs:
            return int(match.kwargs["product_id"])
        if "number" in match.kwargs and "release_id" not in match.kwargs:  # a requirement's pages
            return queries.get_requirement(actor, match.kwargs["number"]).product_id
        if "feedback_id" in match.kwargs:
            return get_feedback(actor, match.kwargs["feedback_id"]).product_id
    except NotFound:
        return None
    return None


def _product_id(request: HttpRequest, actor: "Membership", products: list[tuple[int, str]]) -> int | None:
    """The product named by the form, else the page's, else the last one used, else the first."""
    ids = {pk for pk, _name in products}
    for value in (
        request.POST.get("product_id") or request.GET.get("product_id"),
        page_product_id(actor, request.GET.get("page", "")),
        request.session.get(LAST_PRODUCT),
    ):
        if value is not None and str(value).isdigit() and int(value) in ids:
            return int(value)
    return products[0][0] if products else None


def _answer(request: HttpRequest, url: str, message: str) -> HttpResponse:
    """After a create without "create more": to the new object's page."""
    messages.success(request, message)
    if is_htmx(request):
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


@web_view
def quick_requirement(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    require(actor, "product.edit")
    choices = {"product": queries.product_choices(actor), "owner": queries.people_choices(actor)}
    product_id = _product_id(request, actor, choices["product"])
    template = "product/quick_requirement.html"
    if request.method != "POST":
        initial = {"product_id": product_id, "owner_id": actor.user_id, "create_more": request.session.get(CREATE_MORE)}
        return render_page(request, template, {"form": QuickRequirementForm(initial=initial, choices=choices)})
    form = QuickRequirementForm(request.POST, choices=choices)
    if form.is_valid():
        with form.service_errors():
            product = queries.product_named_in_body(actor, form.cleaned_data["product_id"])
            requirement = requirement_services.create_requirement(actor, product, **form.service_kwargs())
            more = form.cleaned_data["create_more"]
            request.session[LAST_PRODUCT], request.session[CREATE_MORE] = product.pk, more
            url = reverse("product:requirement", args=[workspace, requirement.number])
            if not (more and is_htmx(request)):
                return _answer(request, url, _("%(key)s was created.") % {"key": requirement.key})
            initial = {"product_id": product.pk, "owner_id": form.cleaned_data["owner_id"], "create_more": True}
            context: dict[str, Any] = {
                "form": QuickRequirementForm(initial=initial, choices=choices),
                "created": requirement,
                "created_url": url,
            }
            return render_page(request, template, context)
    return render_page(request, template, {"form": form}, status=form.status)


@web_view
def quick_feedback(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    require(actor, "product.edit")
    products = queries.product_choices(actor)
    product_id = _product_id(request, actor, products)
    template = "product/quick_feedback.html"
    if request.method != "POST":
        initial = {"product_id": product_id, "create_more": request.session.get(CREATE_MORE)}
        return render_page(request, template, {"form": QuickFeedbackForm(initial=initial, products=products)})
    form = QuickFeedbackForm(request.POST, products=products)
    if form.is_valid():
        with form.service_errors():
            feedback = feedback_services.create_feedback(actor, **form.service_kwargs())
            more = form.cleaned_data["create_more"]
            request.session[LAST_PRODUCT], request.session[CREATE_MORE] = feedback.product_id, more
            url = reverse("product:feedback", args=[workspace, feedback.pk])
            if not (more and is_htmx(request)):
                return _answer(request, url, _("The feedback was recorded."))
            kept = {name: form.cleaned_data[name] for name in ("product_id", "channel", "kind")}
            context: dict[str, Any] = {
                "form": QuickFeedbackForm(initial={**kept, "create_more": True}, products=products),
                "created": feedback,
                "created_url": url,
            }
            return render_page(request, template, context)
    return render_page(request, template, {"form": form}, status=form.status)


W = "w/<slug:workspace>/quick/"
urlpatterns: list = [
    path(W + "requirement/", quick_requirement, name="quick-requirement"),
    path(W + "feedback/", quick_feedback, name="quick-feedback"),
]
