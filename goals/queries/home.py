"""The home page's panel of my key results whose weekly check-in is due (the same rule as the
check-in reminder, goals.jobs)."""

from typing import TYPE_CHECKING, Any

from django.db.models import F, Q
from django.utils import timezone

from core.permissions import can
from goals.jobs import FRESH
from goals.models import CycleStatus, KeyResult

if TYPE_CHECKING:
    from accounts.models import Membership

SHOWN = 8


def check_ins_due(actor: "Membership") -> dict[str, Any] | None:
    """My key results of an active cycle with no check-in in the last 7 days, the longest waiting
    first. Two queries (the key_result_owner index)."""
    if not can(actor, "goals.view"):
        return None
    stale = Q(last_check_in_at__isnull=True) | Q(last_check_in_at__lt=timezone.now() - FRESH)
    qs = KeyResult.objects.filter(
        stale,
        workspace_id=actor.workspace_id,
        owner_id=actor.user_id,
        objective__deleted_at__isnull=True,
        objective__cycle__status=CycleStatus.ACTIVE,
        objective__cycle__deleted_at__isnull=True,
    )
    shown = list(qs.select_related("objective").order_by(F("last_check_in_at").asc(nulls_first=True), "id")[:SHOWN])
    return {"key_results": shown, "count": qs.count(), "empty": not shown}
