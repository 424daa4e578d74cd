"""Reads of feedback, customers and feedback imports, scoped to the actor's workspace (SECURITY.md
rule 1), and the inbox's filters: declared here once (rule 10) for the API, the web and exports."""

from typing import TYPE_CHECKING, Any

from django.db import connections, models
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.errors import NotFound, ValidationFailed
from core.permissions import require
from product.models import (
    Feedback,
    FeedbackChannel,
    FeedbackImport,
    FeedbackKind,
    FeedbackLink,
    FeedbackStatus,
    Product,
    Segment,
    Sentiment,
)

if TYPE_CHECKING:
    from accounts.models import Membership

INT_FILTERS = ("product", "requirement")
CHOICE_FILTERS: dict[str, Any] = {
    "status": FeedbackStatus,
    "channel": FeedbackChannel,
    "kind": FeedbackKind,
    "sentiment": Sentiment,
    "segment": Segment,
}
TEXT_FILTERS = ("tag", "text")
FILTERS = ("status", "product", "channel", "kind", "sentiment", "segment", "tag", "requirement", "text")
MAX_FILTER_TEXT = 100


def check_query(query: dict[str, Any]) -> dict[str, Any]:
    """Only declared filters with values of the declared form; anything else is refused by name.
    `requirement` takes a number (12) or a key (REQ-12)."""
    clean: dict[str, Any] = {}
    for name, value in query.items():
        if value in (None, ""):
            continue
        value = str(value)
        if name in INT_FILTERS:
            number = value.upper().removeprefix("REQ-") if name == "requirement" else value
            if not number.isdigit() or not 1 <= int(number) <= 2**53:
                raise ValidationFailed({name: _("Enter a whole number.")})
            clean[name] = int(number)
        elif name in CHOICE_FILTERS:
            values = CHOICE_FILTERS[name].values
            if value not in values:
                raise ValidationFailed({name: _("Choose one of: %(n)s.") % {"n": ", ".join(values)}})
            clean[name] = value
        elif name in TEXT_FILTERS:
            if len(value) > MAX_FILTER_TEXT or "\x00" in value:
                raise ValidationFailed(
                    {name: _("Ensure this value has at most %(n)s characters.") % {"n": MAX_FILTER_TEXT}}
                )
            clean[name] = value
        else:
            raise ValidationFailed({name: _("This filter does not exist.")})
    return clean


def _tag_filter(qs: models.QuerySet, tag: str) -> models.QuerySet:
    if connections[qs.db].features.supports_json_field_contains:
        return qs.filter(tags__contains=[tag])
    return qs.filter(tags__icontains=f'"{tag}"')


def apply_filters(
    qs: models.QuerySet[Feedback], query: dict[str, Any], *, workspace_id: int
) -> models.QuerySet[Feedback]:
    """`qs` is the feedback of `workspace_id`; `query` went through check_query."""
    if "status" in query:
        qs = qs.filter(status=query["status"])
    if "product" in query:
        qs = qs.filter(product_id=query["product"])
    for name in ("channel", "kind", "sentiment"):
        if name in query:
            qs = qs.filter(**{name: query[name]})
    if "segment" in query:
        qs = qs.filter(customer__segment=query["segment"])
    if "tag" in query:
        qs = _tag_filter(qs, query["tag"])
    if "requirement" in query:
        linked = FeedbackLink.objects.filter(
            workspace_id=workspace_id, requirement__workspace_id=workspace_id, requirement__number=query["requirement"]
        ).values("feedback_id")
        qs = qs.filter(pk__in=linked)
    if "text" in query:
        qs = qs.filter(content__icontains=query["text"])
    return qs


def _live_links() -> models.QuerySet[FeedbackLink]:
    """Links to requirements that are not in the trash, in the order a feedback item lists them."""
    return FeedbackLink.objects.filter(requirement__deleted_at__isnull=True).order_by("requirement__number")


def _links_prefetch() -> Prefetch:
    return Prefetch("links", queryset=_live_links().select_related("requirement"), to_attr="live_links")


def feedback_for(actor: "Membership", query: dict[str, Any] | None = None) -> models.QuerySet[Feedback]:
    """The workspace's live feedback under `query` (checked filters), with what a row shows: the
    product, the customer, the submitter and the linked requirements (one query each, not per row)."""
    require(actor, "product.view")
    qs = Feedback.objects.filter(workspace_id=actor.workspace_id)
    qs = apply_filters(qs, query or {}, workspace_id=actor.workspace_id)
    return qs.select_related("product", "customer", "submitted_by").prefetch_related(_links_prefetch())


def next_new_feedback(actor: "Membership", *, after: int) -> int | None:
    """The id of the new feedback that follows `after` in the inbox's order (newest first), or the
    newest new one when none follows: where triage goes on after acting on `after`."""
    require(actor, "product.view")
    new = Feedback.objects.filter(workspace_id=actor.workspace_id, status=FeedbackStatus.NEW).exclude(pk=after)
    ids = new.order_by("-id").values_list("pk", flat=True)
    return ids.filter(pk__lt=after).first() or ids.first()


# --- The inbox as plain rows: a 100-row page is read and serialised without building models ------

FEEDBACK_COLUMNS = (
    "id",
    "product_id",
    "product__name",
    "channel",
    "customer_id",
    "customer__name",
    "customer__company",
    "customer__segment",
    "customer__email",
    "content",
    "kind",
    "sentiment",
    "tags",
    "status",
    "submitted_by_id",
    "submitted_by__username",
    "submitted_by__display_name",
    "answered_at",
    "version",
    "created_at",
    "updated_at",
)


def feedback_rows(qs: models.QuerySet[Feedback]) -> models.QuerySet:
    """`qs` (of feedback_for) as dicts with the columns of an inbox row; feedback_rows_json adds
    the linked requirements."""
    return qs.prefetch_related(None).values(*FEEDBACK_COLUMNS)


def feedback_rows_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The API form of rows of feedback_rows, with their live linked requirements (one query for
    them all): the shape of product.schemas.feedback.FeedbackOut, its fields in the schema's order
    (a test holds it to the schema)."""
    linked: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
    if linked:
        columns = ("feedback_id", "requirement__number", "requirement__title", "requirement__status")
        for link in _live_links().filter(feedback_id__in=linked).values_list(*columns):
            feedback_id, number, title, status = link
            linked[feedback_id].append({"number": number, "key": f"REQ-{number}", "title": title, "status": status})
    return [
        {
            "id": row["id"],
            "product": {"id": row["product_id"], "name": row["product__name"]},
            "channel": row["channel"],
            "customer": None
            if row["customer_id"] is None
            else {
                "id": row["customer_id"],
                "name": row["customer__name"],
                "company": row["customer__company"],
                "segment": row["customer__segment"],
                "email": row["customer__email"],
            },
            "content": row["content"],
            "kind": row["kind"],
            "sentiment": row["sentiment"],
            "tags": row["tags"],
            "status": row["status"],
            "submitted_by": None
            if row["submitted_by_id"] is None
            else {
                "id": row["submitted_by_id"],
                "username": row["submitted_by__username"],
                "display_name": row["submitted_by__display_name"],
            },
            "answered_at": row["answered_at"],
            "requirements": linked[row["id"]],
            "version": row["version"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
        for row in rows
    ]


def get_feedback(actor: "Membership", feedback_id: int) -> Feedback:
    require(actor, "product.view")
    feedback = (
        Feedback.objects.filter(workspace_id=actor.workspace_id, pk=feedback_id)
        .select_related("product", "customer", "submitted_by", "workspace")
        .prefetch_related(_links_prefetch())
        .first()
    )
    if feedback is None:
        raise NotFound()
    return feedback


def product_for_form(token: str) -> Product:
    """The product whose public feedback form has this address, if the form is on."""
    product = (
        Product.objects.filter(form_token=token, form_enabled=True).select_related("workspace").first()
        if token
        else None
    )
    if product is None:
        raise NotFound()
    return product


def get_import(actor: "Membership", import_id: int) -> FeedbackImport:
    require(actor, "product.view")
    found = (
        FeedbackImport.objects.filter(workspace_id=actor.workspace_id, pk=import_id)
        .select_related("product", "created_by")
        .first()
    )
    if found is None:
        raise NotFound()
    return found
