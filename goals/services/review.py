"""The OKR review (OKR复盘) in one pass: for an objective and every objective aligned to it, the
check-ins of their key results, the key results' scores and the objectives' assessments, recorded
from one submission. All or nothing: one row in error and nothing is written; every error names
its row and field (`entries.3.value`).

An entry is a dict naming one key result or one objective of the subtree:
- `key_result_id`, and any of: `confidence` (a check-in is recorded when it is given, with `value`
  and `note`), `self_score`, `review_score`, `version` (the key result's, needed to change a score);
- `objective_id`, and any of: `self_assessment`, `review_note`, `version` (needed to change one).
Values equal to the current ones change nothing and need no right, so a form can post every row."""

from collections import Counter
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.activity import record
from core.errors import Conflict, ValidationFailed
from core.permissions import require
from core.validation import clean_text
from goals import access
from goals.models import KeyResult, Objective
from goals.queries.review import subtree
from goals.services import key_results, scoring
from goals.services.cycles import require_writable

if TYPE_CHECKING:
    from accounts.models import Membership

MAX_ENTRIES = 1000
KEY_RESULT_KEYS = frozenset({"key_result_id", "version", "value", "confidence", "note", "self_score", "review_score"})
OBJECTIVE_KEYS = frozenset({"objective_id", "version", "self_assessment", "review_note"})


class _RowErrors(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors


def _version(entry: dict[str, Any]) -> int:
    version = entry.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValidationFailed({"version": _("Send the version you read to change this row.")})
    return version


def _refusals(actor: "Membership", target: KeyResult | Objective, wanted: dict[str, Any]) -> dict[str, str]:
    found = {}
    for name, value in wanted.items():
        if getattr(target, name) != value:
            reason = access.refusal(actor, target, name)
            if reason is not None:
                found[name] = reason
    return found


def _key_result_row(actor: "Membership", key_result: KeyResult, entry: dict[str, Any], counts: Counter) -> bool:
    """Record one key result's row; True when its scores changed."""
    confidence = entry.get("confidence") or ""
    value, note = entry.get("value"), entry.get("note") or ""
    if confidence:
        # check_in keeps the object current: value, progress, confidence, time of the check-in.
        key_results.check_in(actor, key_result, value=value, confidence=confidence, note=note)
        counts["check_ins"] += 1
    elif note or (value not in (None, "") and key_results.clean_value("value", value) != key_result.current_value):
        raise ValidationFailed({"confidence": _("Choose how confident you are to check in.")})
    scores = {name: entry[name] for name in scoring.KEY_RESULT_SCORE_FIELDS if name in entry}
    if not scores:
        return False
    cleaned = {}
    errors: dict[str, str] = {}
    for name, raw in scores.items():
        try:
            cleaned[name] = scoring.clean_score(name, raw)
        except ValidationFailed as error:
            errors.update({k: v[0] for k, v in error.errors.items()})
    errors |= _refusals(actor, key_result, {k: v for k, v in cleaned.items() if k not in errors})
    if errors:
        raise ValidationFailed(errors)
    if all(getattr(key_result, name) == value for name, value in cleaned.items()):
        return False
    if scoring.apply_scores(actor, key_result, version=_version(entry), **cleaned):
        counts["scores"] += 1
        return True
    return False


def _objective_row(actor: "Membership", objective: Objective, entry: dict[str, Any], counts: Counter) -> None:
    texts = {name: entry[name] for name in scoring.ASSESSMENT_FIELDS if name in entry}
    if not texts:
        return
    cleaned = {}
    for name, raw in texts.items():
        cleaned[name] = clean_text(name, raw, scoring.ASSESSMENT_MAX_LENGTH)
    refused = _refusals(actor, objective, cleaned)
    if refused:
        raise ValidationFailed(refused)
    if all(getattr(objective, name) == value for name, value in cleaned.items()):
        return
    if scoring.apply_assessment(actor, objective, version=_version(entry), **cleaned):
        counts["assessments"] += 1


def _target(entry: Any, objectives: dict[int, Objective], results: dict[int, KeyResult]) -> KeyResult | Objective:
    if not isinstance(entry, dict):
        raise ValidationFailed({"key_result_id": _("Each entry names a key result or an objective.")})
    kr_id, objective_id = entry.get("key_result_id"), entry.get("objective_id")
    if (kr_id is None) == (objective_id is None):
        raise ValidationFailed({"key_result_id": _("Each entry names a key result or an objective, not both.")})
    if kr_id is not None:
        unknown = set(entry) - KEY_RESULT_KEYS
        found: KeyResult | Objective | None = results.get(kr_id) if isinstance(kr_id, int) else None
        field = "key_result_id"
        missing = _("This is not a key result of this objective or of those aligned to it.")
    else:
        unknown = set(entry) - OBJECTIVE_KEYS
        found = objectives.get(objective_id) if isinstance(objective_id, int) else None
        field = "objective_id"
        missing = _("This is not this objective or one aligned to it.")
    if unknown:
        raise ValidationFailed({name: _("This field is not allowed here.") for name in sorted(unknown)})
    if found is None:
        raise ValidationFailed({field: missing})
    return found


def submit_review(actor: "Membership", root: Objective, *, entries: Any) -> dict[str, int]:
    """Record the review of `root`'s subtree; returns how many check-ins, scores and assessments
    were recorded. Raises ValidationFailed naming `entries.<n>.<field>` for every row in error."""
    require(actor, "goals.edit")
    require_writable(root.cycle)
    if not isinstance(entries, list) or not entries:
        raise ValidationFailed({"entries": _("Nothing to record: the review has no rows.")})
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed({"entries": _("At most %(n)s rows at a time.") % {"n": MAX_ENTRIES}})
    counts: Counter = Counter()
    with transaction.atomic():
        objectives = {o.pk: o for o in subtree(root)}
        results = {kr.pk: kr for o in objectives.values() for kr in o.results}  # type: ignore[attr-defined]
        errors: dict[str, list[str]] = {}
        seen: set[tuple[str, int]] = set()
        scored: set[int] = set()
        checked: set[int] = set()
        for n, entry in enumerate(entries):
            try:
                target = _target(entry, objectives, results)
                key = (type(target).__name__, target.pk)
                if key in seen:
                    field = "key_result_id" if isinstance(target, KeyResult) else "objective_id"
                    raise ValidationFailed({field: _("This row is in the review twice.")})
                seen.add(key)
                with transaction.atomic():
                    if isinstance(target, KeyResult):
                        was = target.last_check_in_at
                        if _key_result_row(actor, target, entry, counts):
                            scored.add(target.objective_id)
                        if target.last_check_in_at != was:
                            checked.add(target.objective_id)
                    else:
                        _objective_row(actor, target, entry, counts)
            except ValidationFailed as error:
                errors.update({f"entries.{n}.{field}": messages for field, messages in error.errors.items()})
            except Conflict as error:
                raise Conflict(
                    _("Row %(n)s (“%(title)s”) was changed by someone else. Reload the review and try again.")
                    % {"n": n + 1, "title": str(target)},
                    current=error.current,
                ) from None
        if errors:
            raise ValidationFailed(errors)
        # A check-in moves the suggested score of key results nobody scored: a stored score follows.
        scoring.refresh_objective_scores(scored | {pk for pk in checked if objectives[pk].score is not None})
        if counts:
            record(actor, "reviewed", root, {name: [None, counts[name]] for name in sorted(counts)})
    return {name: counts[name] for name in ("check_ins", "scores", "assessments")}
