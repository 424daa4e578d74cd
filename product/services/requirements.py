"""Writes to requirements: create and edit (every PRD version kept), the workflow with reasons,
analysis and scores, the manual rank, and links to the work items that implement them."""

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks, markdown
from core.activity import diff, record, snapshot
from core.errors import Conflict, NotFound, ValidationFailed
from core.models import Watcher
from core.permissions import require
from core.services import soft_delete
from core.validation import choice, required_text
from core.versioning import save_versioned
from product import scoring
from product.hooks import RequirementItemsChanged
from product.models import (
    ANALYSIS_FIELDS,
    TRANSITIONS,
    Kano,
    Module,
    MoSCoW,
    Product,
    ProductSettings,
    Release,
    Requirement,
    RequirementItem,
    RequirementStatus,
    RequirementType,
    Revision,
    Source,
    StatusChange,
)
from product.services.products import score_of, settings_for
from projects.models import Category

if TYPE_CHECKING:
    from accounts.models import Membership

# The manual rank leaves this gap between neighbours, so a move between two rows updates one row.
RANK_STEP = 1 << 16
MAX_DESCRIPTION = 100_000
MAX_TAGS = 20
EDITABLE_FIELDS = (
    "title",
    "description",
    "type",
    "source",
    "proposer_id",
    "owner_id",
    "module_id",
    "tags",
    *ANALYSIS_FIELDS,
)
INTEGER_FIELDS = (
    "feasibility",
    "market_potential",
    "user_value",
    "reach",
    "confidence",
    "time_criticality",
    "risk_reduction",
    "job_size",
)


def _decimal(field: str, value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationFailed({field: _("Enter a number.")})
    return number


def _integer(field: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationFailed({field: _("Enter a whole number.")})
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed({field: _("Enter a whole number.")}) from None


def clean_tags(value: Any, field: str = "tags") -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValidationFailed({field: _("Enter a list of tags.")})
    tags = list(dict.fromkeys(t.strip() for t in value if t.strip()))
    if len(tags) > MAX_TAGS or any(len(t) > 40 for t in tags):
        raise ValidationFailed({field: _("Use at most %(n)s tags of at most 40 characters.") % {"n": MAX_TAGS}})
    return tags


def clean_fields(actor: "Membership", product: Product, fields: dict[str, Any]) -> dict[str, Any]:
    """Checked values for the editable fields: every error names its field, ids from another
    workspace or product are refused."""
    from projects.services import workspace_user

    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in sorted(unknown)})
    clean = dict(fields)
    if "title" in clean:
        clean["title"] = required_text("title", clean["title"], 300)
    if "description" in clean:
        clean["description"] = clean["description"] or ""
        if len(clean["description"]) > MAX_DESCRIPTION:
            raise ValidationFailed(
                {"description": _("Ensure this value has at most %(n)s characters.") % {"n": MAX_DESCRIPTION}}
            )
    for field, choices in (("type", RequirementType), ("source", Source)):
        if field in clean:
            choice(field, clean[field], choices)
    for field, categories in (("moscow", MoSCoW), ("kano", Kano)):
        if field in clean:
            clean[field] = clean[field] or ""
            if clean[field]:
                choice(field, clean[field], categories)
    for field in ("proposer_id", "owner_id"):
        if field in clean:
            if clean[field] is None:
                raise ValidationFailed({field: _("This field is required.")})
            clean[field] = workspace_user(actor, clean[field], field).pk
    module_id = clean.get("module_id")
    if module_id is not None and not Module.objects.filter(pk=module_id, product=product).exists():
        raise ValidationFailed({"module_id": _("Choose a module of this product.")})
    if "tags" in clean:
        clean["tags"] = clean_tags(clean["tags"])
    for field in INTEGER_FIELDS:
        if field in clean:
            clean[field] = _integer(field, clean[field])
    for field in ("effort", "impact"):
        if field in clean:
            clean[field] = _decimal(field, clean[field])
    errors = scoring.check_inputs({f: clean[f] for f in ANALYSIS_FIELDS if f in clean})
    if errors:
        raise ValidationFailed(errors)
    # The column keeps two decimal places: a finer effort would be stored rounded, and the score
    # computed from it would no longer match what is stored.
    effort = clean.get("effort")
    if effort is not None and effort != effort.quantize(Decimal("0.01")):
        raise ValidationFailed({"effort": _("Use at most two decimal places.")})
    return clean


def _next_number(workspace_id: int) -> int:
    """Taken under a row update, so two creators never get the same number."""
    settings_for(workspace_id)
    ProductSettings.objects.filter(workspace_id=workspace_id).update(next_number=F("next_number") + 1)
    return ProductSettings.objects.filter(workspace_id=workspace_id).values_list("next_number", flat=True).get() - 1


def _last_rank(workspace_id: int) -> int:
    highest = Requirement.all_objects.filter(workspace_id=workspace_id).aggregate(m=Max("rank"))["m"]
    return (highest or 0) + RANK_STEP


def create_requirement(actor: "Membership", product: Product, *, title: str, **fields: Any) -> Requirement:
    """A new requirement is `new`, last in the manual order, proposed and owned by the actor
    unless others are named, and watched by its owner and proposer."""
    require(actor, "product.edit")
    fields.setdefault("proposer_id", actor.user_id)
    fields.setdefault("owner_id", actor.user_id)
    clean = clean_fields(actor, product, {"title": title, **fields})
    with transaction.atomic():
        requirement = Requirement(
            workspace_id=actor.workspace_id,
            product=product,
            number=_next_number(actor.workspace_id),
            rank=_last_rank(actor.workspace_id),
            **clean,
        )
        requirement.description_html = markdown.render(requirement.description)
        requirement.score = score_of(requirement, settings_for(actor.workspace_id))
        requirement.save(force_insert=True)
        Revision.objects.create(
            workspace_id=actor.workspace_id,
            requirement=requirement,
            number=1,
            title=requirement.title,
            description=requirement.description,
            author=actor.user,
        )
        Watcher.objects.bulk_create(
            [
                Watcher(workspace_id=actor.workspace_id, target_type="requirement", target_id=requirement.pk, user_id=u)
                for u in {requirement.owner_id, requirement.proposer_id, actor.user_id}
            ],
            ignore_conflicts=True,
        )
        record(actor, "created", requirement, snapshot(requirement, ["title", "type", "source", "owner", "product"]))
    return requirement


def release_of(actor: "Membership", release_id: int | None, product: Product) -> Release | None:
    """A release of the same product, or a field error."""
    if release_id is None:
        return None
    release = Release.objects.filter(pk=release_id, product=product).first()
    if release is None:
        raise ValidationFailed({"release_id": _("Choose a release of this product.")})
    return release


# --- The workflow --------------------------------------------------------------------------------

S = RequirementStatus
# Leaving these needs a reason: the record says why something was turned down or sent back.
REASON_REQUIRED = frozenset({S.REJECTED, S.NEEDS_CLARIFICATION, S.CLOSED})


def move_status(actor: Any, requirement: Requirement, target: str, reason: str = "") -> None:
    """Set the status and record who, when, from where and why. No checks: the caller has made
    them (transition() for people, the release loop for the system). Runs in the caller's
    transaction; `actor` is a Membership, a User or None (the system)."""
    source = requirement.status
    if source == target:
        return
    requirement.status = target
    if target == S.RELEASED:
        requirement.released_at = timezone.now()
    save_versioned(requirement, expected_version=requirement.version, fields=["status", "released_at"])
    StatusChange.objects.create(
        workspace_id=requirement.workspace_id,
        requirement=requirement,
        actor=getattr(actor, "user", actor),
        source=source,
        target=target,
        reason=reason,
    )
    record(actor, "transitioned", requirement, {"status": [source, target], **({"reason": reason} if reason else {})})


def transition(
    actor: "Membership", requirement: Requirement, *, status: str, version: int, reason: str = ""
) -> Requirement:
    """Move a requirement along the workflow, by hand. A refused move names `status` and the
    allowed targets; rejecting, asking for clarification and closing need a `reason`; planning
    needs a release (set by planning it into one)."""
    require(actor, "product.edit")
    choice("status", status, RequirementStatus)
    allowed = TRANSITIONS.get(requirement.status, ())
    if status not in allowed:
        labels = ", ".join(f"{RequirementStatus(s).label} ({s})" for s in allowed) or "—"
        message = _("A requirement cannot move from “%(source)s” to “%(target)s”. Allowed: %(allowed)s.") % {
            "source": RequirementStatus(requirement.status).label,
            "target": RequirementStatus(status).label,
            "allowed": labels,
        }
        raise ValidationFailed({"status": message})
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": _("Ensure this value has at most %(n)s characters.") % {"n": MAX_REASON}})
    if status in REASON_REQUIRED and not reason:
        message = _("Say why: moving to “%(target)s” needs a reason.") % {"target": RequirementStatus(status).label}
        raise ValidationFailed({"reason": message})
    if status == S.PLANNED and requirement.release_id is None:
        raise ValidationFailed({"release_id": _("Plan the requirement into a release first.")})
    if version != requirement.version:
        raise Conflict(current=_current(requirement))
    with transaction.atomic():
        move_status(actor, requirement, status, reason)
    return requirement


def _current(requirement: Requirement) -> dict[str, Any]:
    fresh = Requirement.all_objects.filter(pk=requirement.pk).first() or requirement
    return {"id": fresh.pk, "version": fresh.version, "status": fresh.status, "title": fresh.title}


MAX_REASON = 2000


# --- Editing: every PRD version kept ------------------------------------------------------------

# How each editable field appears in the activity log (foreign keys by their field name).
HISTORY_NAMES = {"proposer_id": "proposer", "owner_id": "owner", "module_id": "module"}


def update_requirement(actor: "Membership", requirement: Requirement, *, version: int, **fields: Any) -> Requirement:
    """Edit a requirement at the version it was read at (a stale one is 409). A new title or
    description writes a new Revision and raises `revision`; unchanged text writes none. The
    score is recomputed from the analysis as it now is."""
    require(actor, "product.edit")
    clean = clean_fields(actor, requirement.product, fields)
    text_changed = any(name in clean and clean[name] != getattr(requirement, name) for name in ("title", "description"))
    history = [HISTORY_NAMES.get(name, name) for name in clean if name != "description"]
    before = snapshot(requirement, history)
    old_revision = requirement.revision
    with transaction.atomic():
        for name, value in clean.items():
            setattr(requirement, name, value)
        save_fields = list(clean)
        if text_changed:
            requirement.revision = old_revision + 1
            requirement.description_html = markdown.render(requirement.description)
            save_fields += ["revision", "description_html"]
        requirement.score = score_of(requirement, settings_for(requirement.workspace_id))
        save_fields.append("score")
        save_versioned(requirement, expected_version=version, fields=save_fields)
        if text_changed:
            Revision.objects.create(
                workspace_id=requirement.workspace_id,
                requirement=requirement,
                number=requirement.revision,
                title=requirement.title,
                description=requirement.description,
                author=actor.user,
            )
        changes = diff(before, snapshot(requirement, history))
        if text_changed:
            changes["revision"] = [old_revision, requirement.revision]
        if changes:
            record(actor, "updated", requirement, changes)
    return requirement


def delete_requirement(actor: "Membership", requirement: Requirement) -> None:
    """To the trash, restorable from there with its revisions, history and links."""
    require(actor, "product.edit")
    soft_delete(actor, requirement)


# --- The manual rank -----------------------------------------------------------------------------


def _neighbour(actor: "Membership", field: str, number: int | None, moving: Requirement) -> Requirement | None:
    if number is None:
        return None
    found = Requirement.objects.filter(workspace_id=actor.workspace_id, number=number).first()
    if found is None:
        raise ValidationFailed({field: _("Choose a requirement of this workspace.")})
    if found.pk == moving.pk:
        raise ValidationFailed({field: _("A requirement cannot be placed next to itself.")})
    return found


def _gap(
    workspace_id: int, moving: Requirement, above: Requirement | None, below: Requirement | None
) -> tuple[int, int]:
    """The ranks the moved requirement must fit strictly between."""
    others = Requirement.all_objects.filter(workspace_id=workspace_id).exclude(pk=moving.pk)
    if above is not None and below is not None:
        return above.rank, below.rank
    if below is not None:
        previous = (
            others.filter(Q(rank__lt=below.rank) | Q(rank=below.rank, pk__lt=below.pk))
            .order_by("-rank", "-pk")
            .values_list("rank", flat=True)
            .first()
        )
        return (below.rank - 2 * RANK_STEP if previous is None else previous), below.rank
    assert above is not None
    following = (
        others.filter(Q(rank__gt=above.rank) | Q(rank=above.rank, pk__gt=above.pk))
        .order_by("rank", "pk")
        .values_list("rank", flat=True)
        .first()
    )
    return above.rank, (above.rank + 2 * RANK_STEP if following is None else following)


def renumber_ranks(workspace_id: int, order: list[int] | None = None) -> None:
    """Space the workspace's ranks RANK_STEP apart, keeping their order (or following `order`, a
    list of ids: the rest follow in their current order). Runs in the caller's transaction."""
    ids = list(
        Requirement.all_objects.filter(workspace_id=workspace_id).order_by("rank", "pk").values_list("pk", flat=True)
    )
    if order is not None:
        first = set(order)
        ids = [*order, *(pk for pk in ids if pk not in first)]
    rows = [Requirement(pk=pk, rank=(i + 1) * RANK_STEP) for i, pk in enumerate(ids)]
    Requirement.all_objects.bulk_update(rows, ["rank"], batch_size=1000)


def move_rank(
    actor: "Membership", requirement: Requirement, *, before: int | None = None, after: int | None = None
) -> bool:
    """Place a requirement in the manual order between two neighbours named by number: `after` is
    the one it goes directly after (above it), `before` the one it goes directly before (below
    it); either may be left out. Only this row changes, unless no gap is left between the
    neighbours: then every rank of the workspace is respaced, in the same transaction. Returns
    whether that happened. The rank is an order, not content: it leaves `version` alone."""
    require(actor, "product.edit")
    if before is None and after is None:
        raise ValidationFailed({"before": _("Name the requirement to place this one before or after.")})
    with transaction.atomic():
        below = _neighbour(actor, "before", before, requirement)
        above = _neighbour(actor, "after", after, requirement)
        renumbered = False
        low, high = _gap(actor.workspace_id, requirement, above, below)
        if high - low < 2:
            renumber_ranks(actor.workspace_id)
            renumbered = True
            for neighbour in (above, below):
                if neighbour is not None:
                    neighbour.refresh_from_db(fields=["rank"])
            low, high = _gap(actor.workspace_id, requirement, above, below)
        if high - low < 2:
            raise ValidationFailed(
                {"after": _("The requirement named in “after” must come before the one in “before”.")}
            )
        old_rank = Requirement.all_objects.filter(pk=requirement.pk).values_list("rank", flat=True).get()
        requirement.rank = (low + high) // 2
        Requirement.all_objects.filter(pk=requirement.pk).update(rank=requirement.rank)
        record(actor, "reranked", requirement, {"rank": [old_rank, requirement.rank]})
    return renumbered


def rank_by_score(actor: "Membership") -> int:
    """Rewrite the manual order from the current scores: highest first, unscored last (by their
    manual order). Returns how many requirements were ordered."""
    require(actor, "product.edit")
    with transaction.atomic():
        alive = Requirement.objects.filter(workspace_id=actor.workspace_id)
        order = list(alive.order_by(F("score").desc(nulls_last=True), "rank", "pk").values_list("pk", flat=True))
        renumber_ranks(actor.workspace_id, order)
        record(
            actor,
            "ranked_by_score",
            actor.workspace,
            {"requirements": [None, len(order)]},
            workspace_id=actor.workspace_id,
        )
    return len(order)


# --- Links to the work items that implement a requirement ----------------------------------------


def _visible_item(actor: "Membership", item_key: str, field: str = "item_key") -> Any:
    """A work item of a project the actor can see (the projects module's own rules), or a field
    error: keys of other workspaces' or hidden projects' items are refused alike."""
    from projects.queries import get_item

    try:
        return get_item(actor, (item_key or "").strip().upper())
    except NotFound:
        raise ValidationFailed(
            {field: _("Choose a work item of a project you can see, by its key (APP-12).")}
        ) from None


def link_item(actor: "Membership", requirement: Requirement, *, item_key: str) -> RequirementItem:
    """Link a work item that implements the requirement; linking it again changes nothing."""
    require(actor, "product.edit")
    item = _visible_item(actor, item_key)
    with transaction.atomic():
        link, created = RequirementItem.objects.get_or_create(
            requirement=requirement,
            item=item,
            defaults={"workspace_id": actor.workspace_id, "created_by": actor.user},
        )
        if created:
            record(actor, "linked_item", requirement, {"work_item": [None, item.key]})
            if item.category != Category.TODO:
                # Work already under way or done counts at once (a planned requirement starts).
                from product.services.releases import work_progressed

                work_progressed(actor, [item.pk])
            hooks.emit("requirement.items_changed", RequirementItemsChanged(actor, requirement.pk, (item.pk,)))
    return link


def unlink_item(actor: "Membership", requirement: Requirement, *, item_key: str) -> None:
    """Remove the link to a work item; an item that is not linked is left as it is (the item
    itself must be one the actor can see, else NotFound)."""
    require(actor, "product.edit")
    from projects.queries import get_item

    item = get_item(actor, (item_key or "").strip().upper())
    with transaction.atomic():
        deleted, _rows = RequirementItem.objects.filter(requirement=requirement, item=item).delete()
        if deleted:
            record(actor, "unlinked_item", requirement, {"work_item": [item.key, None]})
            hooks.emit("requirement.items_changed", RequirementItemsChanged(actor, requirement.pk, (item.pk,)))
