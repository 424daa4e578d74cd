"""Products, requirements, feedback and releases in the shared registry: history, comments,
watchers, attachments and the trash work for them."""

from typing import Any

from django.urls import reverse

from core.registry import ObjectType, register


def _feedback_restored(actor: Any, feedback: Any) -> None:
    """Restored feedback counts again in the demand of the requirements it is linked to."""
    from product.services.feedback import after_restore

    after_restore(actor, feedback)


def _requirement_by_key(actor: Any, key: str) -> int | None:
    from product.queries import requirement_id_for_key

    return requirement_id_for_key(actor, key)


def register_types() -> None:
    from product.models import Feedback, Product, Release, Requirement

    register(
        ObjectType(
            "product",
            Product,
            "product.view",
            "product.edit",
            web_url=lambda o: reverse("product:product", args=[o.workspace.slug, o.pk]),
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
        )
    )
    register(
        ObjectType(
            "release",
            Release,
            "product.view",
            "product.edit",
            web_url=lambda o: reverse("product:release", args=[o.workspace.slug, o.pk]),
        )
    )
