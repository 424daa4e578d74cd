"""Web pages of products and requirements: the product list and page, the workspace's product
settings, the backlog (ranked by score, or in the manual order with drag and drop), a requirement
with its workflow, scores, linked work and demand, and the comparison of two PRD versions. Thin:
parse with a form, call the same service or query as the API, render."""

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.web import actor_for
from core.errors import ValidationFailed
from core.permissions import can, require
from core.toasts import with_undo
from core.web import is_htmx, page_from, panel_context, render_page, web_view
from product import diff, queries, scoring
from product.forms.feedback import ANY_STATUS
from product.forms.requirements import (
    ANALYSIS_LABELS,
    BacklogFilterForm,
    CompareForm,
    LinkItemForm,
    ModuleForm,
    ProductForm,
    ProductSettingsForm,
    RequirementForm,
    TransitionForm,
    requirement_initial,
)
from product.models import Product, Requirement, RequirementStatus, ScoringModel
from product.services import products, requirements
from product.views.inline import requirement_fields

if TYPE_CHECKING:
    from accounts.models import Membership


def _errors(error: ValidationFailed) -> list[str]:
    return [str(message) for found in error.errors.values() for message in found]


# --- Products ------------------------------------------------------------------------------------


def _product(request: HttpRequest, workspace: str, product_id: int) -> tuple["Membership", Product]:
    actor = actor_for(request, workspace)
    return actor, queries.get_product(actor, product_id)


@web_view
def product_list(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    page = page_from(request, queries.products_for(actor), order="name")
    context = {"page": page, "can_edit": can(actor, "product.edit")}
    return render_page(request, "product/products.html", context)


@web_view
def product_new(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    require(actor, "product.edit")
    form = ProductForm(request.POST or None, people=queries.people_choices(actor), initial={"owner_id": actor.user_id})
    if form.is_valid():
        with form.service_errors():
            product = products.create_product(actor, **form.service_kwargs())
            messages.success(request, _("The product “%(name)s” was created.") % {"name": product.name})
            return redirect("product:product", workspace, product.pk)
    return render_page(request, "product/product_form.html", {"form": form, "product": None}, status=form.status)


@web_view
def product_edit(request: HttpRequest, workspace: str, product_id: int) -> HttpResponse:
    actor, product = _product(request, workspace, product_id)
    require(actor, "product.edit")
    initial = {
        "name": product.name,
        "vision": product.vision,
        "target_users": product.target_users,
        "goals": product.goals,
        "owner_id": product.owner_id,
        "form_enabled": product.form_enabled,
        "version": product.version,
    }
    people = queries.people_choices(actor)
    form = ProductForm(request.POST or None, initial=initial, people=people, editing=True)
    if form.is_valid():
        values = form.service_kwargs()
        version = values.pop("version")
        with form.service_errors():
            products.update_product(actor, product, version=version, **values)
            messages.success(request, _("Saved."))
            return redirect("product:product", workspace, product.pk)
        product = queries.get_product(actor, product_id)
    context = {"form": form, "product": product}
    return render_page(request, "product/product_form.html", context, status=form.status)


def _product_page(
    request: HttpRequest, actor: "Membership", product: Product, *, module_form: ModuleForm | None = None
) -> HttpResponse:
    counts = queries.requirement_counts(product)
    form_path = reverse("product:public-form", args=[product.form_token])
    context = {
        "product": product,
        "modules": list(queries.modules_of(product)),
        "module_form": module_form or ModuleForm(),
        "form_url": request.build_absolute_uri(form_path),
        "status_counts": [(value, label, counts.get(value, 0)) for value, label in RequirementStatus.choices],
        "requirement_total": sum(counts.values()),
        "can_edit": can(actor, "product.edit"),
        **panel_context(actor, "product", product.pk),
    }
    return render_page(request, "product/product.html", context, status=422 if module_form else 200)


@web_view
def product_detail(request: HttpRequest, workspace: str, product_id: int) -> HttpResponse:
    actor, product = _product(request, workspace, product_id)
    return _product_page(request, actor, product)


@web_view
@require_POST
def module_add(request: HttpRequest, workspace: str, product_id: int) -> HttpResponse:
    actor, product = _product(request, workspace, product_id)
    form = ModuleForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            module = products.create_module(actor, product, name=form.cleaned_data["name"])
            messages.success(request, _("The module “%(name)s” was added.") % {"name": module.name})
            return redirect("product:product", workspace, product.pk)
    return _product_page(request, actor, product, module_form=form)


@web_view
@require_POST
def module_delete(request: HttpRequest, workspace: str, product_id: int, module_id: int) -> HttpResponse:
    actor, product = _product(request, workspace, product_id)
    module = queries.get_module(actor, product, module_id)
    products.delete_module(actor, module)
    messages.success(request, _("The module “%(name)s” was removed.") % {"name": module.name})
    return redirect("product:product", workspace, product.pk)


@web_view
@require_POST
def form_toggle(request: HttpRequest, workspace: str, product_id: int) -> HttpResponse:
    """Open or close the public feedback form."""
    actor, product = _product(request, workspace, product_id)
    enabled = request.POST.get("enabled") == "1"
    version = request.POST.get("version", "")
    if not version.isdigit():
        raise ValidationFailed({"version": _("Reload the page and try again.")})
    products.update_product(actor, product, version=int(version), form_enabled=enabled)
    messages.success(request, _("The public form is open.") if enabled else _("The public form is closed."))
    return redirect("product:product", workspace, product.pk)


@web_view
@require_POST
def form_link_renew(request: HttpRequest, workspace: str, product_id: int) -> HttpResponse:
    actor, product = _product(request, workspace, product_id)
    products.renew_form_link(actor, product)
    messages.success(request, _("The public form has a new address; the old one no longer works."))
    return redirect("product:product", workspace, product.pk)


@web_view
@require_POST
def product_delete(request: HttpRequest, workspace: str, product_id: int) -> HttpResponse:
    actor, product = _product(request, workspace, product_id)
    products.delete_product(actor, product)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": product.name})
    return redirect("product:products", workspace)


@web_view
def settings_page(request: HttpRequest, workspace: str) -> HttpResponse:
    """Owners and admins choose the scoring model and the demand weight."""
    actor = actor_for(request, workspace)
    require(actor, "product.settings")
    current = queries.product_settings(actor)
    initial = {
        "scoring_model": current.scoring_model,
        "demand_weight": current.demand_weight,
        "version": current.version,
    }
    form = ProductSettingsForm(request.POST or None, initial=initial)
    if form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        with form.service_errors():
            products.update_settings(actor, version=version, **values)
            messages.success(request, _("Saved. Every requirement was rescored."))
            return redirect("product:settings", workspace)
    context = {
        "form": form,
        "explanations": [(label, scoring.EXPLANATIONS[model]) for model, label in ScoringModel.choices],
    }
    return render_page(request, "product/settings.html", context, status=form.status)


# --- The backlog ---------------------------------------------------------------------------------


def _backlog_query(source: Any) -> tuple[dict[str, Any], list[str]]:
    raw = {name: source.get(name) for name in queries.FILTERS if name in source}
    try:
        return queries.check_query(raw), []
    except ValidationFailed as error:
        return {}, _errors(error)


def _filter_choices(actor: "Membership") -> dict[str, list[tuple[Any, Any]]]:
    return {
        "product": queries.product_choices(actor),
        "module": queries.module_choices(actor),
        "owner": queries.people_choices(actor),
        "release": queries.release_choices(actor),
    }


def _order_links(workspace: str, query: dict[str, Any]) -> list[tuple[str, Any, str, bool]]:
    """The two orders of the backlog as links that keep the filters: (sort, label, url, current)."""
    base = reverse("product:backlog", args=[workspace])
    current = query.get("sort", "score")
    links = []
    for sort, label in (("score", _("Score")), ("rank", _("Manual"))):
        params = {**query, "sort": sort}
        if sort == "score":
            params.pop("sort")
        links.append((sort, label, base + ("?" + urlencode(params) if params else ""), current == sort))
    return links


def _backlog_context(
    request: HttpRequest, actor: "Membership", query: dict[str, Any], *, cursor: str | None
) -> dict[str, Any]:
    page = queries.backlog_page(actor, query, cursor=cursor, limit=None)
    sort = query.get("sort", "score")
    query_string = urlencode(query)
    base = reverse("product:backlog", args=[actor.workspace.slug])
    here = {**query, **({"cursor": cursor} if cursor else {})}
    return {
        "next_url": base + "?" + urlencode({**query, "cursor": page.next_cursor}) if page.next_cursor else None,
        "page": page,
        "rows": page.items,
        "query": query,
        "query_string": query_string,
        "sort": sort,
        "manual": sort == "rank",
        "can_edit": can(actor, "product.edit"),
        "list_url": base + ("?" + urlencode(here) if here else ""),
        "scoring_model": queries.product_settings(actor).get_scoring_model_display(),
    }


@web_view
def backlog(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    query, errors = _backlog_query(request.GET)
    context = _backlog_context(request, actor, query, cursor=request.GET.get("cursor") or None)
    # htmx asks for the rows alone (a reload after a drag), or for the region the filter chips
    # replace (the rows with their order links and the filters' errors).
    region = is_htmx(request) and request.headers.get("HX-Target") == "backlog-region"
    if region or not is_htmx(request):
        context |= {"filter_errors": errors, "orders": _order_links(workspace, query)}
    if not is_htmx(request):
        context["filter_form"] = BacklogFilterForm(initial=query, choices=_filter_choices(actor))
    partial = "results" if region else "backlog"
    return render_page(request, "product/backlog.html", context, partial=partial, status=422 if errors else 200)


@web_view
@require_POST
def rank_move(request: HttpRequest, workspace: str, number: int) -> HttpResponse:
    """Place a requirement in the manual order (drag and drop, or the move-up and move-down
    buttons). An htmx request gets the backlog back as it now is, with the reason when the move
    was refused; a script asking for JSON gets the new rank; a plain form goes back to the list."""
    actor = actor_for(request, workspace)
    requirement = queries.get_requirement(actor, number)
    query, _ignored = _backlog_query(QueryDict(request.POST.get("query", "")))
    query["sort"] = "rank"
    errors: list[str] = []
    renumbered = False
    try:
        before, after = _number(request.POST, "before"), _number(request.POST, "after")
        renumbered = requirements.move_rank(actor, requirement, before=before, after=after)
    except ValidationFailed as error:
        errors = _errors(error)
    if is_htmx(request):
        context = _backlog_context(request, actor, query, cursor=None)
        context |= {"rank_errors": errors, "moved": requirement.number, "moved_by": request.POST.get("direction")}
        return render_page(request, "product/backlog.html", context, partial="backlog", status=422 if errors else 200)
    if "application/json" in request.headers.get("Accept", ""):
        if errors:
            return JsonResponse({"errors": errors}, status=422)
        return JsonResponse({"number": requirement.number, "rank": requirement.rank, "renumbered": renumbered})
    for line in errors:
        messages.error(request, line)
    return redirect(reverse("product:backlog", args=[workspace]) + "?" + urlencode(query))


def _number(data: QueryDict, name: str) -> int | None:
    value = (data.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 2**31:
        raise ValidationFailed({name: _("Enter a whole number.")})
    return int(value)


@web_view
@require_POST
def rank_by_score(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    count = requirements.rank_by_score(actor)
    messages.success(request, _("The manual order now follows the scores (%(n)s requirements).") % {"n": count})
    return redirect(reverse("product:backlog", args=[workspace]) + "?sort=rank")


# --- One requirement -----------------------------------------------------------------------------


def _requirement(request: HttpRequest, workspace: str, number: int) -> tuple["Membership", Requirement]:
    actor = actor_for(request, workspace)
    return actor, queries.get_requirement(actor, number)


def _form_choices(actor: "Membership", product_id: int | None = None) -> dict[str, list[tuple[Any, Any]]]:
    return {
        "product": queries.product_choices(actor),
        "module": queries.module_choices(actor, product_id),
        "owner": queries.people_choices(actor),
    }


HISTORY_SHOWN = 50


def _requirement_page(
    request: HttpRequest, actor: "Membership", requirement: Requirement, *, status: int = 200, **forms: Any
) -> HttpResponse:
    requirement = queries.detail_of(actor, requirement)
    workspace = actor.workspace.slug
    versions = _versions(requirement)
    previous = max(requirement.revision - 1, 1)
    scores = requirement.scores  # type: ignore[attr-defined]
    context = {
        "requirement": requirement,
        "score_rows": [
            (score, [ANALYSIS_LABELS[name] for name in score.missing], scoring.EXPLANATIONS[score.model])
            for score in scores
        ],
        "analysis": [(ANALYSIS_LABELS[name], _analysis_value(requirement, name)) for name in ANALYSIS_LABELS],
        "can_edit": can(actor, "product.edit"),
        "inline": requirement_fields(actor, requirement) if can(actor, "product.edit") else {},
        "transition_form": forms.get("transition_form")
        or TransitionForm(
            initial={"version": requirement.version},
            targets=requirement.allowed_statuses,  # type: ignore[attr-defined]
        ),
        "link_form": forms.get("link_form") or LinkItemForm(),
        "compare_form": CompareForm(initial={"a": previous, "b": requirement.revision}, versions=versions),
        "status_history": list(queries.status_changes_of(requirement).order_by("-id")[:HISTORY_SHOWN]),
        "feedback_inbox_url": reverse("product:feedback-inbox", args=[workspace])
        + "?"
        + urlencode({"requirement": requirement.number, "status": ANY_STATUS}),
        **panel_context(actor, "requirement", requirement.pk),
    }
    return render_page(request, "product/requirement.html", context, status=status)


def _analysis_value(requirement: Requirement, name: str) -> Any:
    value = getattr(requirement, name)
    if value in (None, ""):
        return "—"
    if name in ("moscow", "kano"):
        return getattr(requirement, f"get_{name}_display")()
    return value


def _versions(requirement: Requirement) -> list[tuple[int, str]]:
    return [
        (
            number,
            _("Version %(n)s · %(when)s · %(who)s")
            % {"n": number, "when": f"{timezone.localtime(when):%Y-%m-%d %H:%M}", "who": who or "—"},
        )
        for number, when, who in queries.revision_numbers(requirement)
    ]


@web_view
def requirement_detail(request: HttpRequest, workspace: str, number: int) -> HttpResponse:
    actor, requirement = _requirement(request, workspace, number)
    return _requirement_page(request, actor, requirement)


@web_view
def requirement_new(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    require(actor, "product.edit")
    initial = {"owner_id": actor.user_id, "proposer_id": actor.user_id}
    product_param = request.GET.get("product", "")
    if product_param.isdigit():
        initial["product_id"] = int(product_param)
    form = RequirementForm(request.POST or None, initial=initial, choices=_form_choices(actor))
    if form.is_valid():
        with form.service_errors():
            product = queries.product_named_in_body(actor, form.cleaned_data["product_id"])
            values = form.service_kwargs()
            requirement = requirements.create_requirement(actor, product, **values)
            messages.success(request, _("%(key)s was created.") % {"key": requirement.key})
            return redirect("product:requirement", workspace, requirement.number)
    context = {"form": form, "requirement": None}
    return render_page(request, "product/requirement_form.html", context, status=form.status)


@web_view
def requirement_edit(request: HttpRequest, workspace: str, number: int) -> HttpResponse:
    actor, requirement = _requirement(request, workspace, number)
    require(actor, "product.edit")
    choices = _form_choices(actor, requirement.product_id)
    form = RequirementForm(
        request.POST or None, initial=requirement_initial(requirement), choices=choices, editing=True
    )
    if form.is_valid():
        version = form.cleaned_data["version"]
        with form.service_errors():
            requirements.update_requirement(actor, requirement, version=version, **form.service_kwargs())
            messages.success(request, _("Saved."))
            return redirect("product:requirement", workspace, requirement.number)
        requirement = queries.get_requirement(actor, number)
    context = {"form": form, "requirement": requirement}
    return render_page(request, "product/requirement_form.html", context, status=form.status)


@web_view
@require_POST
def requirement_transition(request: HttpRequest, workspace: str, number: int) -> HttpResponse:
    actor, requirement = _requirement(request, workspace, number)
    form = TransitionForm(request.POST, targets=[value for value, _label in RequirementStatus.choices])
    if form.is_valid():
        data = form.cleaned_data
        with form.service_errors():
            requirements.transition(
                actor, requirement, status=data["status"], version=data["version"], reason=data["reason"]
            )
            label = RequirementStatus(data["status"]).label
            messages.success(request, _("%(key)s is now “%(status)s”.") % {"key": requirement.key, "status": label})
            return redirect("product:requirement", workspace, requirement.number)
        if form.conflict is not None:
            form.add_error(None, _("Someone else changed this requirement meanwhile; here it is as it is now."))
        requirement = queries.get_requirement(actor, number)
        form.data = form.data.copy()
        form.data["version"] = str(requirement.version)
    status = cast(int, form.status)  # ServiceForm's HTTP status, not the form's `status` field
    return _requirement_page(request, actor, requirement, status=status, transition_form=form)


@web_view
@require_POST
def requirement_link(request: HttpRequest, workspace: str, number: int) -> HttpResponse:
    actor, requirement = _requirement(request, workspace, number)
    form = LinkItemForm(request.POST)
    if form.is_valid():
        with form.service_errors():
            link = requirements.link_item(actor, requirement, item_key=form.cleaned_data["item_key"])
            messages.success(request, _("%(item)s was linked.") % {"item": link.item.key})
            return redirect("product:requirement", workspace, requirement.number)
    return _requirement_page(request, actor, requirement, status=form.status, link_form=form)


@web_view
@require_POST
def requirement_unlink(request: HttpRequest, workspace: str, number: int) -> HttpResponse:
    actor, requirement = _requirement(request, workspace, number)
    key = request.POST.get("item_key", "")[:20]
    requirements.unlink_item(actor, requirement, item_key=key)
    messages.success(request, _("%(item)s was unlinked.") % {"item": key})
    return redirect("product:requirement", workspace, requirement.number)


@web_view
@require_POST
def requirement_delete(request: HttpRequest, workspace: str, number: int) -> HttpResponse:
    actor, requirement = _requirement(request, workspace, number)
    page = reverse("product:requirement", args=[workspace, requirement.number])
    requirements.delete_requirement(actor, requirement)
    text = _("%(key)s was moved to the trash.") % {"key": requirement.key}
    with_undo(request, text, target_type="requirement", target_id=requirement.pk, next_url=page)
    return redirect("product:backlog", workspace)


@web_view
def compare(request: HttpRequest, workspace: str, number: int) -> HttpResponse:
    """Any two versions of the PRD, side by side in one readable list of lines."""
    _actor, requirement = _requirement(request, workspace, number)
    versions = _versions(requirement)
    initial = {"a": max(requirement.revision - 1, 1), "b": requirement.revision}
    form = CompareForm(request.GET or None, initial=initial, versions=versions)
    a, b = initial["a"], initial["b"]
    status = 200
    if form.is_bound:
        if form.is_valid():
            a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        else:
            status = 422
    old, new, swapped = queries.revisions_to_compare(requirement, a, b)
    comparison = diff.compare(old.title, old.description, new.title, new.description)
    context = {
        "requirement": requirement,
        "form": form,
        "old": old,
        "new": new,
        "swapped": swapped,
        "comparison": comparison,
        "rows": diff.as_html(comparison),
        "title_diff": diff.title_html(comparison),
    }
    return render_page(request, "product/compare.html", context, status=status)


W = "w/<slug:workspace>/"
PRODUCT = W + "products/<int:product_id>/"
REQUIREMENT = W + "requirements/<int:number>/"
urlpatterns: list = [
    path(W + "products/", product_list, name="products"),
    path(W + "products/new/", product_new, name="product-new"),
    path(PRODUCT, product_detail, name="product"),
    path(PRODUCT + "edit/", product_edit, name="product-edit"),
    path(PRODUCT + "delete/", product_delete, name="product-delete"),
    path(PRODUCT + "modules/", module_add, name="module-add"),
    path(PRODUCT + "modules/<int:module_id>/delete/", module_delete, name="module-delete"),
    path(PRODUCT + "form/", form_toggle, name="form-toggle"),
    path(PRODUCT + "form-link/", form_link_renew, name="form-link"),
    path(W + "settings/product/", settings_page, name="settings"),
    path(W + "requirements/", backlog, name="backlog"),
    path(W + "requirements/new/", requirement_new, name="requirement-new"),
    path(W + "requirements/rank-by-score/", rank_by_score, name="rank-by-score"),
    path(REQUIREMENT, requirement_detail, name="requirement"),
    path(REQUIREMENT + "edit/", requirement_edit, name="requirement-edit"),
    path(REQUIREMENT + "delete/", requirement_delete, name="requirement-delete"),
    path(REQUIREMENT + "transition/", requirement_transition, name="requirement-transition"),
    path(REQUIREMENT + "rank/", rank_move, name="requirement-rank"),
    path(REQUIREMENT + "work-items/", requirement_link, name="requirement-link"),
    path(REQUIREMENT + "work-items/remove/", requirement_unlink, name="requirement-unlink"),
    path(REQUIREMENT + "compare/", compare, name="compare"),
]
