"""Web pages of releases and the roadmap: the release list (and a new release), a release with its
requirements and their progress (edit, ship, add a requirement by key), the roadmap timeline with
its Share panel, and the public page of a share link. Thin: parse with a form, call the same
service as the API, render."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.web import actor_for
from core.errors import NotFound, RateLimited, ValidationFailed
from core.permissions import can, require
from core.web import client_ip, is_htmx, page_from, panel_context, render_page, web_view
from product import queries as product_queries
from product.forms.releases import PlanForm, ReleaseEditForm, ReleaseFilterForm, ReleaseForm, RoadmapForm, ShareForm
from product.models import ReleaseStatus
from product.queries import roadmap as queries
from product.services import releases

W = "w/<slug:workspace>/"
R = W + "releases/<int:release_id>/"


# --- The release list ----------------------------------------------------------------------------


@web_view
def release_list(request: HttpRequest, workspace: str) -> HttpResponse:
    """Releases, latest target first, filtered by product and status; members add one here."""
    actor = actor_for(request, workspace)
    products = product_queries.product_choices(actor)
    filters = ReleaseFilterForm(products, request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    can_edit = can(actor, "product.edit")
    if request.method == "POST":
        require(actor, "product.edit")
    form = ReleaseForm(products, request.POST or None, initial={"product_id": chosen.get("product")})
    if form.is_valid():
        values = dict(form.cleaned_data)
        with form.service_errors():
            product = product_queries.product_named_in_body(actor, values.pop("product_id"))
            release = releases.create_release(actor, product, **values)
            messages.success(request, _("The release was created."))
            return redirect("product:release", workspace, release.pk)
    qs = queries.releases_for(actor, product_id=chosen.get("product"), status=chosen.get("status") or None)
    page = page_from(request, qs, order="-target_date")
    for release in page.items:
        release.released_percent = queries.released_share(release)
    context = {
        "page": page,
        "filters": filters,
        "form": form if can_edit else None,
        "can_edit": can_edit,
        "has_products": bool(products),
    }
    return render(request, "product/releases.html", context, status=form.status)


# --- A release -----------------------------------------------------------------------------------


def _release_page(
    request: HttpRequest,
    actor: Any,
    release_id: int,
    *,
    edit_form: ReleaseEditForm | None = None,
    plan_form: PlanForm | None = None,
    status: int = 200,
) -> HttpResponse:
    release = queries.get_release(actor, release_id)
    can_edit = can(actor, "product.edit")
    requirements = queries.requirements_of(release)
    context = {
        "release": release,
        "requirements": requirements,
        "released_percent": queries.released_share(release),
        "unfinished_count": len([r for r in requirements if getattr(r, "unfinished", False)]),
        "can_edit": can_edit,
        "shipped": release.status == ReleaseStatus.SHIPPED,
        "edit_form": (edit_form or ReleaseEditForm(release)) if can_edit else None,
        "plan_form": (plan_form or PlanForm()) if can_edit else None,
        **panel_context(actor, "release", release.pk),
    }
    return render(request, "product/release.html", context, status=status)


@web_view
def release_page(request: HttpRequest, workspace: str, release_id: int) -> HttpResponse:
    """The release with its requirements; a POST saves the edit form at the version it was read at."""
    actor = actor_for(request, workspace)
    if request.method != "POST":
        return _release_page(request, actor, release_id)
    release = queries.get_release(actor, release_id)
    form = ReleaseEditForm(release, request.POST)
    if form.is_valid():
        with form.service_errors():
            releases.update_release(actor, release, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("product:release", workspace, release_id)
    return _release_page(request, actor, release_id, edit_form=form, status=form.status)


@web_view
@require_POST
def ship(request: HttpRequest, workspace: str, release_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    release = releases.ship(actor, queries.get_release(actor, release_id))
    messages.success(request, _("“%(name)s” has shipped.") % {"name": release.name})
    return redirect("product:release", workspace, release_id)


@web_view
@require_POST
def delete_release(request: HttpRequest, workspace: str, release_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    release = queries.get_release(actor, release_id)
    releases.delete_release(actor, release)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": release.name})
    return redirect("product:releases", workspace)


@web_view
@require_POST
def add_requirement(request: HttpRequest, workspace: str, release_id: int) -> HttpResponse:
    """Plan the requirement named by its key into this release."""
    actor = actor_for(request, workspace)
    release = queries.get_release(actor, release_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            requirement = releases.plan_by_key(actor, release, key=form.cleaned_data["key"])
            messages.success(request, _("%(key)s was added to this release.") % {"key": requirement.key})
            return redirect("product:release", workspace, release_id)
    return _release_page(request, actor, release_id, plan_form=form, status=form.status)


@web_view
@require_POST
def remove_requirement(request: HttpRequest, workspace: str, release_id: int, number: int) -> HttpResponse:
    """Take the requirement out of this release."""
    actor = actor_for(request, workspace)
    release = queries.get_release(actor, release_id)
    requirement = product_queries.get_requirement(actor, number)
    if requirement.release_id != release.pk:
        raise NotFound()
    try:
        releases.plan(actor, requirement, release_id=None, version=requirement.version)
    except ValidationFailed as error:
        for field_messages in error.errors.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect("product:release", workspace, release_id)
    messages.success(request, _("%(key)s was taken out of this release.") % {"key": requirement.key})
    return redirect("product:release", workspace, release_id)


# --- The roadmap and its share links -------------------------------------------------------------


def _roadmap_context(
    request: HttpRequest, actor: Any, *, share_form: ShareForm | None = None, new_share: Any = None
) -> tuple[dict[str, Any], int]:
    products = product_queries.product_choices(actor)
    form = RoadmapForm(products, request.GET or None)
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = 422 if form.is_bound and form.errors else 200
    window = {k: values.get(k) or None for k in ("scale", "start", "span")}
    try:
        roadmap = queries.roadmap_for(actor, product_id=values.get("product"), **window)
    except ValidationFailed as error:
        for field, field_messages in error.errors.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
        status = 422
        roadmap = queries.roadmap_for(actor, product_id=values.get("product"))
    can_edit = can(actor, "product.edit")
    product_id = values.get("product")
    shares = list(queries.live_shares_for(actor, product_id=product_id)) if can_edit else []
    context = {
        "form": form,
        "roadmap": roadmap,
        "product_id": product_id,
        "today": timezone.localdate(),
        "can_edit": can_edit,
        "shares": shares,
        "share_form": (share_form or ShareForm(products, initial={"product_id": product_id})) if can_edit else None,
        "new_share": new_share,
        "has_products": bool(products),
    }
    return context, status


@web_view
def roadmap(request: HttpRequest, workspace: str) -> HttpResponse:
    """Releases on a timeline by month or quarter, in a short-term and a long-term lane."""
    actor = actor_for(request, workspace)
    context, status = _roadmap_context(request, actor)
    return render(request, "product/roadmap.html", context, status=status)


@web_view
@require_POST
def create_share(request: HttpRequest, workspace: str) -> HttpResponse:
    """A new share link, shown this once (never in a redirect); with htmx, answers with the Share panel."""
    actor = actor_for(request, workspace)
    form = ShareForm(product_queries.product_choices(actor), request.POST)
    new_share = None
    if form.is_valid():
        with form.service_errors():
            product = product_queries.product_named_in_body(actor, form.cleaned_data["product_id"])
            share, token = releases.create_share(actor, product, label=form.cleaned_data["label"])
            new_share = {"share": share, "url": releases.share_url(token)}
            form = None  # type: ignore[assignment]
    context, _status = _roadmap_context(request, actor, share_form=form, new_share=new_share)
    status = form.status if form is not None else 201
    return render_page(request, "product/roadmap.html", context, partial="share-panel", status=status)


@web_view
@require_POST
def revoke_share(request: HttpRequest, workspace: str, share_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    share = releases.revoke_share(actor, queries.get_share(actor, share_id))
    if is_htmx(request):
        context, _status = _roadmap_context(request, actor)
        return render_page(request, "product/roadmap.html", context, partial="share-panel")
    messages.success(request, _("The link “%(label)s” no longer works.") % {"label": share.label or share.pk})
    return redirect("product:roadmap", workspace)


def _no_trace(response: HttpResponse) -> HttpResponse:
    """The share page is for whoever holds the link: no Referer carries the token away, and no
    search engine lists it."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


def shared_roadmap(request: HttpRequest, token: str) -> HttpResponse:
    """A product's roadmap, read-only, without signing in. Unknown and revoked links are the same 404."""
    try:
        share = releases.open_share(token, ip=client_ip(request))
    except NotFound:
        return _no_trace(render(request, "product/shared_roadmap.html", {"missing": True}, status=404))
    except RateLimited as error:
        response = render(request, "product/shared_roadmap.html", {"missing": True, "limited": True}, status=429)
        response["Retry-After"] = str(error.retry_after)
        return _no_trace(response)
    form = RoadmapForm([], request.GET or None)
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    window = {k: values.get(k) or None for k in ("scale", "start", "span")}
    try:
        found = queries.public_roadmap(share, **window)
    except ValidationFailed:
        found = queries.public_roadmap(share)
    context = {
        "product_name": share.product.name,
        "roadmap": found,
        "form": form,
        "today": timezone.localdate(),
    }
    return _no_trace(render(request, "product/shared_roadmap.html", context))


urlpatterns: list[URLPattern] = [
    path(W + "releases/", release_list, name="releases"),
    path(R, release_page, name="release"),
    path(R + "ship/", ship, name="release-ship"),
    path(R + "delete/", delete_release, name="release-delete"),
    path(R + "requirements/", add_requirement, name="release-plan"),
    path(R + "requirements/<int:number>/remove/", remove_requirement, name="release-unplan"),
    path(W + "roadmap/", roadmap, name="roadmap"),
    path(W + "roadmap/shares/", create_share, name="share-create"),
    path(W + "roadmap/shares/<int:share_id>/revoke/", revoke_share, name="share-revoke"),
    path("roadmap/<str:token>/", shared_roadmap, name="shared-roadmap"),
]
