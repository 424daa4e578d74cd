"""Writes to cycles (周期): a quarter, half or year with dates; at most one active at a time.

A closed cycle is read-only: every write to its objectives, key results, check-ins and scores is
refused (`require_writable`). An owner or admin can reopen it, with a reason that is kept on the
cycle and in the activity log, to correct it; closing it again freezes it again."""

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.activity import diff, record, snapshot
from core.errors import ValidationFailed
from core.permissions import require
from core.services import soft_delete
from core.validation import choice, clean_text, required_text
from core.versioning import save_versioned
from goals.models import Cycle, CycleKind, CycleStatus

if TYPE_CHECKING:
    from accounts.models import Membership

CYCLE_FIELDS = ("name", "kind", "start_date", "end_date")
LONGEST_DAYS = 400  # a year and some slack; longer is a typo


def require_writable(cycle: Cycle) -> None:
    """Refuse writes to a closed cycle, naming the cycle."""
    if cycle.status == CycleStatus.CLOSED:
        raise ValidationFailed({"cycle": _("This cycle is closed. An admin can reopen it to make changes.")})


def _dates(start: Any, end: Any) -> tuple[datetime.date, datetime.date]:
    if not isinstance(start, datetime.date):
        raise ValidationFailed({"start_date": _("Enter a valid date.")})
    if not isinstance(end, datetime.date):
        raise ValidationFailed({"end_date": _("Enter a valid date.")})
    if end <= start:
        raise ValidationFailed({"end_date": _("The end date must be after the start date.")})
    if (end - start).days > LONGEST_DAYS:
        raise ValidationFailed({"end_date": _("A cycle lasts at most a year.")})
    return start, end


def default_name(kind: str, start: datetime.date) -> str:
    """2026 Q4, 2026 H2 or 2026, from the start date."""
    if kind == CycleKind.QUARTER:
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if kind == CycleKind.HALF:
        return f"{start.year} H{(start.month - 1) // 6 + 1}"
    return str(start.year)


def create_cycle(
    actor: "Membership",
    *,
    kind: str,
    start_date: Any,
    end_date: Any,
    name: str = "",
) -> Cycle:
    require(actor, "goals.manage")
    kind = choice("kind", kind, CycleKind)
    start_date, end_date = _dates(start_date, end_date)
    name = clean_text("name", name, 100) or default_name(kind, start_date)
    with transaction.atomic():
        cycle = Cycle.objects.create(
            workspace_id=actor.workspace_id, name=name, kind=kind, start_date=start_date, end_date=end_date
        )
        record(actor, "created", cycle)
    return cycle


def update_cycle(actor: "Membership", cycle: Cycle, *, version: int, **fields: Any) -> Cycle:
    require(actor, "goals.manage")
    require_writable(cycle)
    unknown = set(fields) - set(CYCLE_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in sorted(unknown)})
    if "name" in fields:
        fields["name"] = required_text("name", fields["name"], 100)
    if "kind" in fields:
        fields["kind"] = choice("kind", fields["kind"], CycleKind)
    if "start_date" in fields or "end_date" in fields:
        start, end = _dates(fields.get("start_date", cycle.start_date), fields.get("end_date", cycle.end_date))
        fields["start_date"], fields["end_date"] = start, end
    before = snapshot(cycle, list(fields))
    for name, value in fields.items():
        setattr(cycle, name, value)
    with transaction.atomic():
        save_versioned(cycle, expected_version=version, fields=list(fields))
        changes = diff(before, snapshot(cycle, list(fields)))
        if changes:
            record(actor, "updated", cycle, changes)
    return cycle


def _move(actor: "Membership", cycle: Cycle, version: int, status: str, verb: str, **extra: Any) -> Cycle:
    was = cycle.status
    cycle.status = status
    for name, value in extra.items():
        setattr(cycle, name, value)
    save_versioned(cycle, expected_version=version, fields=["status", *extra])
    record(
        actor,
        verb,
        cycle,
        {"status": [was, status]} | ({"reason": [None, extra["reopen_reason"]]} if "reopen_reason" in extra else {}),
    )
    return cycle


def activate_cycle(actor: "Membership", cycle: Cycle, *, version: int) -> Cycle:
    """The cycle becomes the active one; the one active before must be closed first."""
    require(actor, "goals.manage")
    if cycle.status not in (CycleStatus.PLANNED, CycleStatus.REOPENED):
        raise ValidationFailed({"status": _("Only a planned or reopened cycle can be made active.")})
    with transaction.atomic():
        active = Cycle.objects.select_for_update().filter(workspace_id=actor.workspace_id, status=CycleStatus.ACTIVE)
        other = active.exclude(pk=cycle.pk).first()
        if other is not None:
            raise ValidationFailed(
                {"status": _("%(name)s is the active cycle. Close it first.") % {"name": other.name}}
            )
        return _move(actor, cycle, version, CycleStatus.ACTIVE, "activated")


def close_cycle(actor: "Membership", cycle: Cycle, *, version: int) -> Cycle:
    """Closing freezes the cycle: its objectives' scores are computed and nothing changes after."""
    from goals.services.scoring import score_cycle

    require(actor, "goals.manage")
    if cycle.status not in (CycleStatus.ACTIVE, CycleStatus.REOPENED, CycleStatus.PLANNED):
        raise ValidationFailed({"status": _("This cycle is closed already.")})
    with transaction.atomic():
        score_cycle(cycle)
        return _move(actor, cycle, version, CycleStatus.CLOSED, "closed", closed_at=timezone.now())


def reopen_cycle(actor: "Membership", cycle: Cycle, *, version: int, reason: str) -> Cycle:
    """An owner or admin opens a closed cycle again to correct it; who, when and why are kept."""
    require(actor, "goals.manage")
    if cycle.status != CycleStatus.CLOSED:
        raise ValidationFailed({"status": _("Only a closed cycle can be reopened.")})
    reason = required_text("reason", reason, 500)
    with transaction.atomic():
        return _move(
            actor,
            cycle,
            version,
            CycleStatus.REOPENED,
            "reopened",
            reopened_at=timezone.now(),
            reopened_by_id=actor.user_id,
            reopen_reason=reason,
        )


def delete_cycle(actor: "Membership", cycle: Cycle) -> None:
    """Only an empty cycle can be deleted: objectives are never lost with their cycle."""
    require(actor, "goals.manage")
    if cycle.objectives.filter(deleted_at__isnull=True).exists():
        raise ValidationFailed({"cycle": _("This cycle has objectives. Move or delete them first.")})
    soft_delete(actor, cycle)
