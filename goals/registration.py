"""Cycles, objectives and key results in the shared registry: history, comments, watchers and the
trash work for them."""

from typing import Any

from django.urls import reverse

from core.registry import ObjectType, register


def _refresh(actor: Any, restored: Any) -> None:
    """A restored objective or key result counts again in its cycle's progress."""
    from goals.models import KeyResult
    from goals.tree import refresh_cycle

    objective = restored.objective if isinstance(restored, KeyResult) else restored
    refresh_cycle(objective.cycle_id)


def register_types() -> None:
    from goals.models import Cycle, KeyResult, Objective

    register(
        ObjectType(
            "cycle",
            Cycle,
            "goals.view",
            "goals.manage",
            web_url=lambda o: reverse("goals:cycle", args=[o.workspace.slug, o.pk]),
        )
    )
    register(
        ObjectType(
            "objective",
            Objective,
            "goals.view",
            "goals.edit",
            web_url=lambda o: reverse("goals:objective", args=[o.workspace.slug, o.pk]),
            on_restore=_refresh,
        )
    )
    register(
        ObjectType(
            "key_result",
            KeyResult,
            "goals.view",
            "goals.edit",
            web_url=lambda o: reverse("goals:objective", args=[o.workspace.slug, o.objective_id]) + f"#kr-{o.pk}",
            on_restore=_refresh,
        )
    )
