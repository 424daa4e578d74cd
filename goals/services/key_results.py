"""Writes to key results (关键成果): their metric and values, check-ins, links to work, and the
progress they feed into their objective and its roll-up."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from core.activity import diff, record, snapshot
from core.errors import NotFound, ValidationFailed
from core.permissions import Role, can, require
from core.services import soft_delete
from core.validation import choice, clean_text
from core.versioning import save_versioned
from goals import progress
from goals.models import CheckIn, Confidence, CycleStatus, KeyResult, KeyResultLink, LinkKind, Metric, ProgressSource
from goals.services.cycles import require_writable
from goals.services.tree import refresh_cycle
from product.hooks import RequirementItemsChanged
from product.models import RequirementItem
from projects.hooks import WorkItemsChanged, WorkItemStatesChanged
from projects.models import Category, WorkItem

if TYPE_CHECKING:
    from goals.models import Objective

NOTE_MAX_LENGTH = 5000
# The columns hold 14 digits before the point, but SQLite keeps decimals as doubles (15 significant
# digits): 11 before the point and 4 after survive the round trip.
VALUE_LIMIT = Decimal("1e11")


def clean_value(field: str, value: Any) -> Decimal:
    """A finite decimal the columns can hold, rounded to four places; else a field error."""
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationFailed({field: _("Enter a number.")}) from None
    if isinstance(value, bool) or not number.is_finite():
        raise ValidationFailed({field: _("Enter a number.")})
    if abs(number) >= VALUE_LIMIT:
        raise ValidationFailed({field: _("Enter a number below 100,000,000,000.")})
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


# --- Key results ---------------------------------------------------------------------------------

KEY_RESULT_FIELDS = (
    "title",
    "metric",
    "start_value",
    "target_value",
    "unit",
    "milestones",
    "owner_id",
    "due_date",
    "weight",
    "source",
)
TITLE_MAX_LENGTH = 300
UNIT_MAX_LENGTH = 20
MILESTONE_MAX_LENGTH = 200
MAX_MILESTONES = 20
MAX_WEIGHT = Decimal(100)
# The metrics measured by a number from a start to a target.
NUMERIC = (Metric.NUMBER, Metric.PERCENTAGE, Metric.CURRENCY)


def _check_unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(KEY_RESULT_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in sorted(unknown)})


def _owner(actor: "Membership", owner_id: Any) -> int:
    """A member of the workspace who can see goals (not a guest); refused by field otherwise."""

    if owner_id is None or owner_id == "":
        return actor.user_id
    if isinstance(owner_id, bool) or not isinstance(owner_id, int):
        raise ValidationFailed({"owner_id": _("Choose a member of this workspace.")})
    found = (
        Membership.objects.filter(workspace_id=actor.workspace_id, user_id=owner_id, removed_at__isnull=True)
        .exclude(role=Role.GUEST)
        .exists()
    )
    if not found:
        raise ValidationFailed({"owner_id": _("Choose a member of this workspace.")})
    return int(owner_id)


def _weight(value: Any) -> Decimal:
    weight = clean_value("weight", value)
    if weight <= 0 or weight > MAX_WEIGHT:
        raise ValidationFailed({"weight": _("Enter a weight above 0 and at most 100.")})
    return weight.quantize(Decimal("0.01"))


def _milestones(value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        raise ValidationFailed({"milestones": _("Name the milestones, one a line.")})
    names = [clean_text("milestones", name, MILESTONE_MAX_LENGTH) for name in value]
    names = [name for name in names if name]
    if not names:
        raise ValidationFailed({"milestones": _("Name at least one milestone.")})
    if len(names) > MAX_MILESTONES:
        raise ValidationFailed({"milestones": _("Name at most %(n)s milestones.") % {"n": MAX_MILESTONES}})
    return names


def _due_date(value: Any) -> Any:
    if value is None or value == "":
        return None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationFailed({"due_date": _("Enter a valid date.")})
    return value


def _metric_rules(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Make the metric's values consistent, or name the field that is not: yes / no runs 0 → 1,
    milestones 0 → their number, the others from a start to a target (the same one: keep it at)."""
    metric = values["metric"]
    current = values.get("current_value")
    if metric == Metric.YES_NO:
        values |= {"start_value": Decimal(0), "target_value": Decimal(1), "milestones": []}
        if creating and current not in (None, Decimal(0), Decimal(1)):
            raise ValidationFailed({"current_value": _("Enter 1 for yes or 0 for no.")})
        if current not in (Decimal(0), Decimal(1)):
            values["current_value"] = Decimal(0)  # a number turned into yes / no starts at no
    elif metric == Metric.MILESTONE:
        values["milestones"] = _milestones(values.get("milestones"))
        count = len(values["milestones"])
        values |= {"start_value": Decimal(0), "target_value": Decimal(count)}
        current = current or Decimal(0)
        if current != int(current) or not 0 <= current <= count:
            if creating:
                raise ValidationFailed(
                    {"current_value": _("Enter how many milestones are reached, from 0 to %(n)s.") % {"n": count}}
                )
            # Fewer milestones than were reached, or a number turned into milestones: bounded.
            current = min(Decimal(count), max(Decimal(0), Decimal(int(current))))
        values["current_value"] = current
    else:
        if values.get("start_value") is None:
            raise ValidationFailed({"start_value": _("This field is required.")})
        if values.get("target_value") is None:
            raise ValidationFailed({"target_value": _("Enter the target to reach.")})
        start = values["start_value"] = clean_value("start_value", values["start_value"])
        values["target_value"] = clean_value("target_value", values["target_value"])
        values["milestones"] = []
        if creating and values.get("current_value") is None:
            values["current_value"] = start
    return values


def create_key_result(
    actor: "Membership",
    objective: "Objective",
    *,
    title: str,
    metric: str = Metric.NUMBER,
    current_value: Any = None,
    **fields: Any,
) -> KeyResult:
    """A key result of `objective`, at the end of its list. Its progress and the objective's (and
    the roll-up) are set in the same transaction."""
    require(actor, "goals.edit")
    require_writable(objective.cycle)
    _check_unknown(fields)
    values: dict[str, Any] = {
        "title": clean_text("title", title, TITLE_MAX_LENGTH, required=True),
        "metric": choice("metric", metric, Metric),
        "unit": clean_text("unit", fields.get("unit", ""), UNIT_MAX_LENGTH),
        "owner_id": _owner(actor, fields.get("owner_id")),
        "due_date": _due_date(fields.get("due_date")),
        "weight": _weight(fields["weight"]) if fields.get("weight") not in (None, "") else Decimal(1),
        "source": choice("source", fields.get("source") or ProgressSource.CHECK_INS, ProgressSource),
        "start_value": fields.get("start_value"),
        "target_value": fields.get("target_value"),
        "milestones": fields.get("milestones") or [],
        "current_value": clean_value("current_value", current_value) if current_value not in (None, "") else None,
    }
    if values["metric"] == Metric.PERCENTAGE and not values["unit"]:
        values["unit"] = "%"
    values = _metric_rules(values, creating=True)
    if values["metric"] in NUMERIC and values["current_value"] is None:
        values["current_value"] = values["start_value"]
    with transaction.atomic():
        last = KeyResult.objects.filter(objective=objective).order_by("-position").values_list("position", flat=True)
        key_result = KeyResult(
            workspace_id=actor.workspace_id, objective=objective, position=(last.first() or 0) + 1, **values
        )
        key_result.progress = progress_of(key_result)
        key_result.save()
        if key_result.source != ProgressSource.CHECK_INS:
            _refresh_work([key_result])
        record(actor, "created", key_result)
        refresh_cycle(objective.cycle_id)
    return key_result


def update_key_result(actor: "Membership", key_result: KeyResult, *, version: int, **fields: Any) -> KeyResult:
    """Change what the key result measures; its progress follows. The current value changes by
    check-ins only."""
    require(actor, "goals.edit")
    objective = key_result.objective
    require_writable(objective.cycle)
    _check_unknown(fields)
    if "title" in fields:
        fields["title"] = clean_text("title", fields["title"], TITLE_MAX_LENGTH, required=True)
    if "metric" in fields:
        fields["metric"] = choice("metric", fields["metric"], Metric)
    if "unit" in fields:
        fields["unit"] = clean_text("unit", fields["unit"], UNIT_MAX_LENGTH)
    if "owner_id" in fields:
        fields["owner_id"] = _owner(actor, fields["owner_id"])
    if "due_date" in fields:
        fields["due_date"] = _due_date(fields["due_date"])
    if "weight" in fields:
        fields["weight"] = _weight(fields["weight"])
    if "source" in fields:
        fields["source"] = choice("source", fields["source"], ProgressSource)
    metric_fields = {"metric", "start_value", "target_value", "milestones"}
    names = list(fields)
    if metric_fields & set(fields):
        values = {
            "metric": key_result.metric,
            "start_value": key_result.start_value,
            "target_value": key_result.target_value,
            "milestones": key_result.milestones,
            "current_value": key_result.current_value,
        } | {k: v for k, v in fields.items() if k in metric_fields}
        values = _metric_rules(values, creating=False)
        fields |= values
        names = list(dict.fromkeys([*names, *values]))
    before = snapshot(key_result, names)
    for name, value in fields.items():
        setattr(key_result, name, value)
    with transaction.atomic():
        if key_result.source == ProgressSource.CHECK_INS:
            key_result.progress = progress.key_result_progress(
                key_result.metric, key_result.start_value, key_result.target_value, key_result.current_value
            )
        elif fields.get("source") is not None:
            _refresh_work([key_result])
        save_versioned(key_result, expected_version=version, fields=[*names, "progress"])
        changes = diff(before, snapshot(key_result, names))
        if changes:
            record(actor, "updated", key_result, changes)
        refresh_cycle(objective.cycle_id)
    return key_result


def delete_key_result(actor: "Membership", key_result: KeyResult) -> None:
    """To the trash; the objective's progress and the roll-up no longer count it."""
    require(actor, "goals.edit")
    require_writable(key_result.objective.cycle)
    with transaction.atomic():
        soft_delete(actor, key_result)
        refresh_cycle(key_result.objective.cycle_id)


# --- Links to work -------------------------------------------------------------------------------

LINK_FIELDS = {
    "project_id": LinkKind.PROJECT,
    "requirement_id": LinkKind.REQUIREMENT,
    "work_item_id": LinkKind.WORK_ITEM,
}


def _link_target(actor: "Membership", field: str, target_id: Any) -> Any:
    """The project, requirement or work item the actor can see, or a field error: another
    workspace's id is refused like a missing one (SECURITY rule 1)."""
    if isinstance(target_id, bool) or not isinstance(target_id, int) or not 1 <= target_id <= 2**53:
        raise ValidationFailed({field: _("Choose one of this workspace's.")})
    try:
        if field == "project_id":
            from projects.queries import get_project_by_id

            return get_project_by_id(actor, target_id)
        if field == "requirement_id":
            from product.queries import requirements_for

            if not can(actor, "product.view"):
                raise NotFound()
            found = requirements_for(actor).filter(pk=target_id).first()
            if found is None:
                raise NotFound()
            return found
        from projects.queries import get_item_by_id

        return get_item_by_id(actor, target_id)
    except NotFound:
        messages = {
            "project_id": _("Choose a project of this workspace."),
            "requirement_id": _("Choose a requirement of this workspace."),
            "work_item_id": _("Choose a work item of this workspace."),
        }
        raise ValidationFailed({field: messages[field]}) from None


def link_work(actor: "Membership", key_result: KeyResult, **target: Any) -> KeyResultLink:
    """Link one project, requirement or work item (exactly one of project_id, requirement_id,
    work_item_id). A key result fed by linked work updates its progress at once."""
    require(actor, "goals.edit")
    require_writable(key_result.objective.cycle)
    given = {name: value for name, value in target.items() if value is not None}
    unknown = set(given) - set(LINK_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in sorted(unknown)})
    if not given:
        raise ValidationFailed({"project_id": _("Choose one project, requirement or work item to link.")})
    # Each id is checked first: another workspace's is refused naming its own field.
    targets = {name: _link_target(actor, name, value) for name, value in sorted(given.items())}
    if len(targets) != 1:
        raise ValidationFailed({name: _("Link one thing at a time.") for name in targets})
    ((field, obj),) = targets.items()
    kind = LINK_FIELDS[field]
    column = field.removesuffix("_id")
    if KeyResultLink.objects.filter(key_result=key_result, **{column: obj}).exists():
        raise ValidationFailed({field: _("This is linked already.")})
    with transaction.atomic():
        link = KeyResultLink.objects.create(
            workspace_id=actor.workspace_id,
            key_result=key_result,
            kind=kind,
            created_by_id=actor.user_id,
            **{column: obj},
        )
        record(actor, "linked", key_result, {kind: [None, str(obj)[:200]]})
        _work_moved([key_result])
    return link


def _resolve(actor: "Membership", reference: Any, field: str) -> tuple[str, int]:
    """What a typed key names: ("project_id" | "requirement_id" | "work_item_id", its id); an
    unknown key, or another workspace's, is an error on `field`."""
    from product.queries import get_requirement
    from projects.queries import ITEM_KEY, get_item, get_project

    text = clean_text(field, reference, 40, required=True).upper()
    try:
        if text.startswith("REQ-") and text[4:].isdigit():
            if not can(actor, "product.view"):
                raise NotFound()
            return "requirement_id", get_requirement(actor, int(text[4:])).pk
        if ITEM_KEY.match(text):
            return "work_item_id", get_item(actor, text, related=("state",)).pk
        return "project_id", get_project(actor, text).pk
    except NotFound:
        raise ValidationFailed(
            {field: _("No project, requirement or work item of this workspace has this key.")}
        ) from None


def _link_as(actor: "Membership", key_result: KeyResult, field: str, target: str, target_id: int) -> KeyResultLink:
    try:
        return link_work(actor, key_result, **{target: target_id})
    except ValidationFailed as error:
        raise ValidationFailed({field: [m for messages in error.errors.values() for m in messages]}) from None


def link_by_reference(actor: "Membership", key_result: KeyResult, *, reference: str) -> KeyResultLink:
    """Link by what people type: a project key (ACME), a requirement (REQ-12) or a work item
    (ACME-12). An unknown reference is an error on `reference`."""
    require(actor, "goals.edit")
    require_writable(key_result.objective.cycle)
    target, target_id = _resolve(actor, reference, "reference")
    return _link_as(actor, key_result, "reference", target, target_id)


def link(actor: "Membership", key_result: KeyResult, *, kind: str, key: str) -> KeyResultLink:
    """Link by kind and key: a project (ACME), a requirement (REQ-12) or a work item (ACME-12); a
    key that names something of another kind is an error on `key` (the demo data links this way)."""
    require(actor, "goals.edit")
    require_writable(key_result.objective.cycle)
    kind = choice("kind", kind, LinkKind)
    target, target_id = _resolve(actor, key, "key")
    if LINK_FIELDS[target] != kind:
        raise ValidationFailed({"key": _("This key names another kind of work.")})
    return _link_as(actor, key_result, "key", target, target_id)


def unlink_work(actor: "Membership", key_result: KeyResult, link: KeyResultLink) -> None:
    """Remove a link (the project, requirement or item itself stays); the progress follows."""
    from goals.queries.key_results import link_label

    require(actor, "goals.edit")
    require_writable(key_result.objective.cycle)
    with transaction.atomic():
        label = link_label(link)
        KeyResultLink.objects.filter(pk=link.pk).delete()
        record(actor, "unlinked", key_result, {link.kind: [label[:200], None]})
        _work_moved([key_result])


# --- Progress from linked work -------------------------------------------------------------------


def _linked_work(key_result_ids: list[int]) -> dict[int, dict[int, tuple[str, Decimal | None, Decimal | None]]]:
    """For each key result, its linked work: the linked items ∪ the items of the linked projects ∪
    the items that implement the linked requirements, alive and in alive projects, as
    {item id: (category, points, estimate_hours)}. Four queries whatever the number of links."""
    links = list(
        KeyResultLink.objects.filter(key_result_id__in=key_result_ids).values_list(
            "key_result_id", "kind", "project_id", "requirement_id", "work_item_id"
        )
    )
    projects = {p for _k, kind, p, _r, _i in links if kind == LinkKind.PROJECT and p}
    requirements = {r for _k, kind, _p, r, _i in links if kind == LinkKind.REQUIREMENT and r}
    items = {i for _k, kind, _p, _r, i in links if kind == LinkKind.WORK_ITEM and i}
    by_requirement: dict[int, set[int]] = {}
    if requirements:
        rows = RequirementItem.objects.filter(
            requirement_id__in=requirements, requirement__deleted_at__isnull=True
        ).values_list("requirement_id", "item_id")
        for requirement_id, item_id in rows:
            by_requirement.setdefault(requirement_id, set()).add(item_id)
    wanted = items | {i for ids in by_requirement.values() for i in ids}
    by_project: dict[int, set[int]] = {}
    facts: dict[int, tuple[str, Decimal | None, Decimal | None]] = {}
    if wanted or projects:
        condition = Q(pk__in=wanted) | Q(project_id__in=projects)
        rows = WorkItem.objects.filter(condition, project__deleted_at__isnull=True).values_list(
            "pk", "project_id", "category", "points", "estimate_hours"
        )
        for pk, project_id, category, points, hours in rows:
            facts[pk] = (category, points, hours)
            if project_id in projects:
                by_project.setdefault(project_id, set()).add(pk)
    result: dict[int, dict[int, tuple[str, Decimal | None, Decimal | None]]] = {k: {} for k in key_result_ids}
    for key_result_id, kind, project_id, requirement_id, item_id in links:
        if kind == LinkKind.PROJECT:
            ids = by_project.get(project_id, set())
        elif kind == LinkKind.REQUIREMENT:
            ids = by_requirement.get(requirement_id, set())
        else:
            ids = {item_id}
        for pk in ids:
            if pk in facts:  # alive, in an alive project
                result[key_result_id][pk] = facts[pk]
    return result


def work_share(source: str, work: dict[int, tuple[str, Decimal | None, Decimal | None]]) -> float:
    """The share of the linked work that is done (0–100).

    By count: done items / items. By estimate: each item weighs its story points; when none of the
    linked items has points, its estimated hours; when none has either, the count is used.
    Items without the estimate used weigh nothing. Done = the item's state is in the done category."""
    rows = list(work.values())
    weights: list[Decimal]
    if source == ProgressSource.WORK_ESTIMATE and any(points is not None for _c, points, _h in rows):
        weights = [points or Decimal(0) for _c, points, _h in rows]
    elif source == ProgressSource.WORK_ESTIMATE and any(hours is not None for _c, _p, hours in rows):
        weights = [hours or Decimal(0) for _c, _p, hours in rows]
    else:
        weights = [Decimal(1)] * len(rows)
    total = sum(weights, Decimal(0))
    done = sum(
        (w for w, (category, _p, _h) in zip(weights, rows, strict=True) if category == Category.DONE), Decimal(0)
    )
    return progress.work_progress(done, total)


def _refresh_work(key_results: list[KeyResult]) -> list[KeyResult]:
    """Set the progress of work-fed key results from their linked work (in memory and in the
    database); return those whose progress changed."""
    fed = [kr for kr in key_results if kr.source != ProgressSource.CHECK_INS]
    if not fed:
        return []
    work = _linked_work([kr.pk for kr in fed])
    changed = []
    for kr in fed:
        share = work_share(kr.source, work.get(kr.pk, {}))
        if share != kr.progress:
            kr.progress = share
            changed.append(kr)
    if changed:
        KeyResult.all_objects.bulk_update(changed, ["progress"], batch_size=500)
    return changed


def _work_moved(key_results: list[KeyResult]) -> None:
    """The links of these key results changed: the work-fed ones and their cycles follow."""
    for cycle_id in {kr.objective.cycle_id for kr in _refresh_work(key_results)}:
        refresh_cycle(cycle_id)


def follow_items(change: WorkItemsChanged) -> None:
    """Subscribed to projects' work_item hooks (created, deleted, restored, moved, estimate_changed)."""
    work_changed(list(change.item_ids), project_ids=list(change.from_project_ids))


def follow_states(change: WorkItemStatesChanged) -> None:
    """Subscribed to work_item.state_changed: only a change of category (done or not) counts."""
    work_changed([m.item_id for m in change.moves if m.now != m.was])


def follow_requirement_items(change: RequirementItemsChanged) -> None:
    """Subscribed to product's requirement.items_changed."""
    requirement_work_changed(change.requirement_id)


def work_changed(item_ids: list[int], *, project_ids: list[int] | None = None) -> int:
    """Work items changed (a transition, a bulk edit, created, deleted, restored, moved, a new
    estimate): the work-fed key results that count any of them are brought up to date, with their
    objectives and roll-ups. `project_ids` names projects the items left (a moved item). Key results
    of closed cycles stay as they were. Runs in the transaction of the change; returns how many key
    results changed.

    The lookups use the link indexes (kr_link_item, kr_link_project, kr_link_requirement) and the
    requirement_item_item index; nothing is read when no work-fed key result links the items."""
    ids = list({int(i) for i in item_ids})
    if not ids:
        return 0
    projects = Q(links__project_id__in=WorkItem.all_objects.filter(pk__in=ids).values("project_id"))
    if project_ids:
        projects |= Q(links__project_id__in=list(project_ids))
    requirements = RequirementItem.objects.filter(item_id__in=ids).values("requirement_id")
    linked = (
        KeyResult.objects.filter(
            Q(links__work_item_id__in=ids) | projects | Q(links__requirement_id__in=requirements),
            source__in=[ProgressSource.WORK_COUNT, ProgressSource.WORK_ESTIMATE],
            objective__deleted_at__isnull=True,
        )
        .exclude(objective__cycle__status=CycleStatus.CLOSED)
        .select_related("objective")
        .distinct()
    )
    return _refresh_linked(linked)


def requirement_work_changed(requirement_id: int) -> int:
    """A work item was linked to or unlinked from a requirement (in the transaction of the change):
    the work-fed key results that count the requirement's work follow."""
    linked = (
        KeyResult.objects.filter(
            links__requirement_id=requirement_id,
            source__in=[ProgressSource.WORK_COUNT, ProgressSource.WORK_ESTIMATE],
            objective__deleted_at__isnull=True,
        )
        .exclude(objective__cycle__status=CycleStatus.CLOSED)
        .select_related("objective")
        .distinct()
    )
    return _refresh_linked(linked)


def _refresh_linked(linked: "QuerySet[KeyResult]") -> int:
    changed = _refresh_work(list(linked))
    for cycle_id in {kr.objective.cycle_id for kr in changed}:
        refresh_cycle(cycle_id)
    return len(changed)
