"""Writes to requirements: create and edit (every PRD version kept), the workflow with reasons,
analysis and scores, the manual rank, and links to the work items that implement them."""

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from core import markdown
from core.activity import record, snapshot
from core.errors import ValidationFailed
from core.models import Watcher
from core.permissions import require
from product import scoring
from product.models import (
    Kano,
    Module,
    MoSCoW,
    Product,
    ProductSettings,
    Release,
    Requirement,
    RequirementType,
    Revision,
    Source,
)
from product.products import choice, required_text, score_of, settings_for

if TYPE_CHECKING:
    from accounts.models import Membership

# The manual rank leaves this gap between neighbours, so a move between two rows updates one row.
RANK_STEP = 1 << 16
MAX_DESCRIPTION = 100_000
MAX_TAGS = 20
ANALYSIS_FIELDS = (
    "feasibility",
    "market_potential",
    "user_value",
    "effort",
    "reach",
    "impact",
    "confidence",
    "time_criticality",
    "risk_reduction",
    "moscow",
    "kano",
)
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
