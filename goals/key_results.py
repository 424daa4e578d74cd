"""Writes to key results (关键成果): their metric and values, check-ins, links to work, and the
progress they feed into their objective and its roll-up."""

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.activity import record
from core.errors import ValidationFailed
from core.permissions import require
from goals import progress
from goals.cycles import require_writable
from goals.models import CheckIn, Confidence, KeyResult, Metric, ProgressSource
from goals.tree import refresh_cycle
from product.products import choice, clean_text

if TYPE_CHECKING:
    from accounts.models import Membership

NOTE_MAX_LENGTH = 5000
VALUE_LIMIT = Decimal("1e14")  # the columns hold 14 digits before the point


def clean_value(field: str, value: Any) -> Decimal:
    """A finite decimal the columns can hold, rounded to four places; else a field error."""
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationFailed({field: _("Enter a number.")}) from None
    if isinstance(value, bool) or not number.is_finite():
        raise ValidationFailed({field: _("Enter a number.")})
    if abs(number) >= VALUE_LIMIT:
        raise ValidationFailed({field: _("Enter a number below 100,000,000,000,000.")})
    return number.quantize(Decimal("0.0001"))


def progress_of(key_result: KeyResult) -> float:
    """Progress from the values; a key result fed by linked work keeps what the work gave it."""
    if key_result.source != ProgressSource.CHECK_INS:
        return key_result.progress
    return progress.key_result_progress(
        key_result.metric, key_result.start_value, key_result.target_value, key_result.current_value
    )


def check_in(
    actor: "Membership",
    key_result: KeyResult,
    *,
    value: Any = None,
    confidence: str,
    note: str = "",
) -> CheckIn:
    """A new current value (optional for a key result fed by linked work), how confident its owner
    is, and why. The key result, its objective and the roll-up follow in the same transaction."""
    require(actor, "goals.edit")
    objective = key_result.objective
    require_writable(objective.cycle)
    confidence = choice("confidence", confidence, Confidence)
    note = clean_text("note", note, NOTE_MAX_LENGTH)
    if value is None or value == "":
        if key_result.source == ProgressSource.CHECK_INS:
            raise ValidationFailed({"value": _("This field is required.")})
        value = key_result.current_value
    value = clean_value("value", value)
    if key_result.metric == Metric.YES_NO and value not in (0, 1):
        raise ValidationFailed({"value": _("Enter 1 for yes or 0 for no.")})
    if key_result.metric == Metric.MILESTONE and not (0 <= value <= len(key_result.milestones) and value == int(value)):
        raise ValidationFailed(
            {"value": _("Enter how many milestones are reached, from 0 to %(n)s.") % {"n": len(key_result.milestones)}}
        )
    with transaction.atomic():
        was = key_result.current_value
        key_result.current_value = value
        key_result.progress = progress_of(key_result)
        key_result.confidence = confidence
        key_result.last_check_in_at = timezone.now()
        key_result.updated_at = key_result.last_check_in_at
        # A check-in does not bump the version: someone editing the key result's title at the same
        # time must not get a conflict for it.
        KeyResult.objects.filter(pk=key_result.pk).update(
            current_value=value,
            progress=key_result.progress,
            confidence=confidence,
            last_check_in_at=key_result.last_check_in_at,
            updated_at=key_result.updated_at,
        )
        entry = CheckIn.objects.create(
            workspace_id=key_result.workspace_id,
            key_result=key_result,
            value=value,
            progress=key_result.progress,
            confidence=confidence,
            note=note,
            author_id=actor.user_id,
        )
        record(
            actor,
            "checked_in",
            key_result,
            {"current_value": [str(was), str(value)], "confidence": [None, confidence]},
        )
        refresh_cycle(objective.cycle_id)
    return entry
