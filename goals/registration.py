"""Cycles, objectives and key results in the shared registry: history, comments, watchers and the
trash work for them, and reminders of key results' due dates."""

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import Deadline, ObjectType, register
from core.search import Search


def _refresh(actor: Any, restored: Any) -> None:
    """A restored objective or key result counts again in its cycle's progress."""
    from goals.models import KeyResult
    from goals.services.tree import refresh_cycle

    objective = restored.objective if isinstance(restored, KeyResult) else restored
    refresh_cycle(objective.cycle_id)


OBJECTIVE_SEARCH = Search(
    label=_("Objective"),
    title="title",
    subtitle="cycle__name",
    url=lambda slug, row: reverse("goals:objective", args=[slug, row["pk"]]),
    alive=Q(cycle__deleted_at__isnull=True),
)
KEY_RESULT_SEARCH = Search(
    label=_("Key result"),
    title="title",
    subtitle="objective__title",
    read=("objective_id",),
    url=lambda slug, row: reverse("goals:objective", args=[slug, row["objective_id"]]) + f"#kr-{row['pk']}",
    alive=Q(objective__deleted_at__isnull=True, objective__cycle__deleted_at__isnull=True),
)


def register_types() -> None:
    from goals.models import Cycle, CycleStatus, KeyResult, Objective

    # Reminded: a key result not met yet (progress below 100 %) of a live objective in the active
    # cycle. A planned cycle has not begun; a closed one is scored, and a reopened one is being
    # corrected, not worked towards.
    open_key_result = Q(
        progress__lt=100,
        objective__deleted_at__isnull=True,
        objective__cycle__status=CycleStatus.ACTIVE,
        objective__cycle__deleted_at__isnull=True,
    )

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
            search=OBJECTIVE_SEARCH,
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
            deadline=Deadline(open=open_key_result, index="key_result_due"),
            search=KEY_RESULT_SEARCH,
        )
    )
