"""Scores at the end of a cycle (评分): 0.0–1.0 per key result, and per objective from its key
results weighted by their weights.

A key result's score is the reviewer's when given, else its owner's self-score, else the one its
progress suggests (in tenths). Closing a cycle computes every objective's score (`score_cycle`)."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from core.activity import diff, record, snapshot
from core.errors import PermissionDenied, ValidationFailed
from core.permissions import require
from core.validation import clean_text
from core.versioning import save_versioned
from goals.access import refusal
from goals.models import Cycle, KeyResult, Objective
from goals.progress import TWO_PLACES, objective_score
from goals.services.cycles import require_writable

if TYPE_CHECKING:
    from accounts.models import Membership


def score_cycle(cycle: Cycle) -> None:
    """Store every objective's score of the cycle (two queries, one bulk write)."""
    by_objective: dict[int, list[KeyResult]] = defaultdict(list)
    for key_result in KeyResult.objects.filter(objective__cycle=cycle, objective__deleted_at__isnull=True):
        by_objective[key_result.objective_id].append(key_result)
    objectives = list(Objective.objects.filter(cycle=cycle))
    for objective in objectives:
        objective.score = objective_score(by_objective.get(objective.pk, []))
    Objective.objects.bulk_update(objectives, ["score"], batch_size=500)


# --- Giving scores and assessments ------------------------------------------------------------------
#
# Who gives what: a key result's self-score is its owner's (or an owner's or admin's of the
# workspace, who may stand in); its reviewer's score is anyone's who may edit goals but its owner
# (nobody reviews their own work). An objective's self-assessment is its owner's; the reviewer's
# note anyone's but its owner's, and whoever writes it becomes the objective's reviewer.
# Scores run from 0.0 to 1.0 in steps of 0.05 (0.7, 0.75); null takes a score back.

SCORE_STEP = Decimal("0.05")
ASSESSMENT_MAX_LENGTH = 5000
KEY_RESULT_SCORE_FIELDS = ("self_score", "review_score")
ASSESSMENT_FIELDS = ("self_assessment", "review_note")


def clean_score(field: str, value: Any) -> Decimal | None:
    """A score from 0 to 1 in steps of 0.05, or None; else an error naming `field`."""
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed({field: _("Enter a score from 0 to 1, such as 0.7.")}) from None
    if isinstance(value, bool) or not number.is_finite() or not 0 <= number <= 1:
        raise ValidationFailed({field: _("Enter a score from 0 to 1, such as 0.7.")})
    rounded = number.quantize(TWO_PLACES)
    if rounded != number or rounded % SCORE_STEP != 0:
        raise ValidationFailed({field: _("Give the score in steps of 0.05, such as 0.7 or 0.75.")})
    return rounded + Decimal("0.00")  # never -0.00


def refresh_objective_scores(objective_ids: set[int]) -> None:
    """Store the score of each objective from its key results' scores (two queries, one bulk write)."""
    if not objective_ids:
        return
    by_objective: dict[int, list[KeyResult]] = defaultdict(list)
    for key_result in KeyResult.objects.filter(objective_id__in=objective_ids):
        by_objective[key_result.objective_id].append(key_result)
    objectives = list(Objective.all_objects.filter(pk__in=objective_ids).only("pk", "score"))
    changed = []
    for objective in objectives:
        score = objective_score(by_objective.get(objective.pk, []))
        if score != objective.score:
            objective.score = score
            changed.append(objective)
    if changed:
        Objective.all_objects.bulk_update(changed, ["score"], batch_size=500)


def _changed(target: models.Model, cleaned: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in cleaned.items() if getattr(target, name) != value}


def apply_scores(actor: "Membership", key_result: KeyResult, *, version: int, **fields: Any) -> dict[str, list[Any]]:
    """Set the scores given (unchanged ones are left alone and need no right). No transaction, no
    objective score: the caller's (`score_key_result` or the review). Returns the changes."""
    unknown = set(fields) - set(KEY_RESULT_SCORE_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in sorted(unknown)})
    cleaned = {name: clean_score(name, value) for name, value in fields.items()}
    changed = _changed(key_result, cleaned)
    for name in changed:
        reason = refusal(actor, key_result, name)
        if reason is not None:
            raise PermissionDenied(reason)
    if not changed:
        return {}
    before = snapshot(key_result, list(changed))
    for name, value in changed.items():
        setattr(key_result, name, value)
    save_versioned(key_result, expected_version=version, fields=list(changed))
    changes = diff(before, snapshot(key_result, list(changed)))
    record(actor, "scored", key_result, changes)
    return changes


def score_key_result(actor: "Membership", key_result: KeyResult, *, version: int, **fields: Any) -> KeyResult:
    """A key result's self-score and / or reviewer's score; its objective's score follows."""
    require(actor, "goals.edit")
    require_writable(key_result.objective.cycle)
    with transaction.atomic():
        if apply_scores(actor, key_result, version=version, **fields):
            refresh_objective_scores({key_result.objective_id})
    return key_result


def apply_assessment(actor: "Membership", objective: Objective, *, version: int, **fields: Any) -> dict[str, list[Any]]:
    """Set the assessments given (unchanged ones are left alone). No transaction: the caller's."""
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in sorted(unknown)})
    cleaned = {name: clean_text(name, value, ASSESSMENT_MAX_LENGTH) for name, value in fields.items()}
    changed = _changed(objective, cleaned)
    for name in changed:
        reason = refusal(actor, objective, name)
        if reason is not None:
            raise PermissionDenied(reason)
    if not changed:
        return {}
    names = list(changed)
    if "review_note" in changed:
        changed["reviewer_id"] = actor.user_id if changed["review_note"] else None
        names.append("reviewer")
    before = snapshot(objective, names)
    for name, value in changed.items():
        setattr(objective, name, value)
    save_versioned(objective, expected_version=version, fields=names)
    changes = diff(before, snapshot(objective, names))
    record(actor, "assessed", objective, changes)
    return changes


def assess_objective(actor: "Membership", objective: Objective, *, version: int, **fields: Any) -> Objective:
    """An objective's self-assessment (its owner's) and / or reviewer's assessment (anyone else's)."""
    require(actor, "goals.edit")
    require_writable(objective.cycle)
    with transaction.atomic():
        apply_assessment(actor, objective, version=version, **fields)
    return objective
