"""Products, requirements, feedback and releases in the shared registry: history, comments,
watchers, attachments and the trash work for them."""

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import ObjectType, register
from core.search import Row, Search


def _feedback_restored(actor: Any, feedback: Any) -> None:
    """Restored feedback counts again in the demand of the requirements it is linked to."""
    from product.services.feedback import after_restore

    after_restore(actor, feedback)


def _requirement_by_key(actor: Any, key: str) -> int | None:
    from product.queries import requirement_id_for_key

    return requirement_id_for_key(actor, key)


def _feedback_text(row: Row) -> tuple[str, str]:
    """Feedback has no title: its first line stands for one, under it who gave it."""
    first = (row["content"] or "").strip().splitlines()[0] if (row["content"] or "").strip() else ""
    who = " · ".join(n for n in (row["customer__name"], row["product__name"]) if n)
    return first[:120], who


IN_LIVE_PRODUCT = Q(product__deleted_at__isnull=True)
PRODUCT_SEARCH = Search(
    label=_("Product"),
    title="name",
    url=lambda slug, row: reverse("product:product", args=[slug, row["pk"]]),
)
REQUIREMENT_SEARCH = Search(
    label=_("Requirement"),
    title="title",
    subtitle="product__name",
    read=("number",),
    key=lambda row: f"REQ-{row['number']}",
    url=lambda slug, row: reverse("product:requirement", args=[slug, row["number"]]),
    alive=IN_LIVE_PRODUCT,
)
FEEDBACK_SEARCH = Search(
    label=_("Feedback"),
    title="content",
    fields=("customer__name",),
    read=("customer__name", "product__name"),
    describe=_feedback_text,
    url=lambda slug, row: reverse("product:feedback", args=[slug, row["pk"]]),
    alive=IN_LIVE_PRODUCT,
)
RELEASE_SEARCH = Search(
    label=_("Release"),
    title="name",
    subtitle="product__name",
    url=lambda slug, row: reverse("product:release", args=[slug, row["pk"]]),
    alive=IN_LIVE_PRODUCT,
)


def register_types() -> None:
    from product.models import Feedback, Product, Release, Requirement

    register(
        ObjectType(
            "product",
            Product,
            "product.view",
            "product.edit",
            web_url=lambda o: reverse("product:product", args=[o.workspace.slug, o.pk]),
            search=PRODUCT_SEARCH,
        )
    )
    register(
        ObjectType(
            "requirement",
            Requirement,
            "product.view",
            "product.edit",
            web_url=lambda o: reverse("product:requirement", args=[o.workspace.slug, o.number]),
            lookup=_requirement_by_key,
            search=REQUIREMENT_SEARCH,
        )
    )
    register(
        ObjectType(
            "feedback",
            Feedback,
            "product.view",
            "product.edit",
            web_url=lambda o: reverse("product:feedback", args=[o.workspace.slug, o.pk]),
            on_restore=_feedback_restored,
            search=FEEDBACK_SEARCH,
        )
    )
    register(
        ObjectType(
            "release",
            Release,
            "product.view",
            "product.edit",
            web_url=lambda o: reverse("product:release", args=[o.workspace.slug, o.pk]),
            search=RELEASE_SEARCH,
        )
    )
