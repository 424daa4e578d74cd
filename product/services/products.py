"""Writes to products, their modules and the workspace's product settings (the scoring model).

Changing the scoring model or the demand weight rescores every requirement of the workspace in the
same transaction, so the ranked backlog never mixes two models."""

import secrets
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.activity import diff, record, snapshot
from core.errors import ValidationFailed
from core.permissions import require
from core.services import soft_delete
from core.validation import choice, required_text
from core.versioning import save_versioned
from product import scoring
from product.models import Module, Product, ProductSettings, Requirement, ScoringModel

if TYPE_CHECKING:
    from accounts.models import Membership

PRODUCT_FIELDS = ("name", "vision", "target_users", "goals", "owner_id", "form_enabled")
SETTINGS_FIELDS = ("scoring_model", "demand_weight")
MAX_DEMAND_WEIGHT = Decimal("10")
RESCORE_BATCH = 5000


def _check_unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in sorted(unknown)})


def _owner(actor: "Membership", owner_id: int | None) -> int:
    from projects.services import workspace_user

    if owner_id is None:
        return actor.user_id
    return workspace_user(actor, owner_id, "owner_id").pk


# --- Products ------------------------------------------------------------------------------------


def create_product(actor: "Membership", *, name: str, **fields: Any) -> Product:
    require(actor, "product.edit")
    _check_unknown(fields, PRODUCT_FIELDS)
    name = required_text("name", name, 200)
    fields["owner_id"] = _owner(actor, fields.get("owner_id"))
    with transaction.atomic():
        product = Product.objects.create(
            workspace_id=actor.workspace_id, name=name, form_token=secrets.token_urlsafe(32), **fields
        )
        record(actor, "created", product)
    return product


def update_product(actor: "Membership", product: Product, *, version: int, **fields: Any) -> Product:
    require(actor, "product.edit")
    _check_unknown(fields, PRODUCT_FIELDS)
    if "name" in fields:
        fields["name"] = required_text("name", fields["name"], 200)
    if "owner_id" in fields:
        fields["owner_id"] = _owner(actor, fields["owner_id"])
    names = [name.removesuffix("_id") for name in fields]  # history names the owner, not owner_id
    before = snapshot(product, names)
    for name, value in fields.items():
        setattr(product, name, value)
    with transaction.atomic():
        save_versioned(product, expected_version=version, fields=list(fields))
        changes = diff(before, snapshot(product, names))
        if changes:
            record(actor, "updated", product, changes)
    return product


def renew_form_link(actor: "Membership", product: Product) -> Product:
    """A new public form address: the old one stops working at once."""
    require(actor, "product.edit")
    with transaction.atomic():
        product.form_token = secrets.token_urlsafe(32)
        save_versioned(product, expected_version=product.version, fields=["form_token"])
        record(actor, "renewed_form_link", product)
    return product


def delete_product(actor: "Membership", product: Product) -> None:
    require(actor, "product.edit")
    soft_delete(actor, product)


# --- Modules -------------------------------------------------------------------------------------


def create_module(actor: "Membership", product: Product, *, name: str) -> Module:
    require(actor, "product.edit")
    name = required_text("name", name, 100)
    if Module.objects.filter(product=product, name=name).exists():
        raise ValidationFailed({"name": _("This product already has a module with this name.")})
    with transaction.atomic():
        module = Module.objects.create(workspace_id=actor.workspace_id, product=product, name=name)
        record(actor, "added_module", product, {"module": [None, name]})
    return module


def delete_module(actor: "Membership", module: Module) -> None:
    """Requirements of a deleted module keep their product and lose the module."""
    require(actor, "product.edit")
    with transaction.atomic():
        Requirement.objects.filter(module=module).update(module=None)
        module.delete()
        record(actor, "removed_module", module.product, {"module": [module.name, None]})


# --- Settings and scores -------------------------------------------------------------------------


def settings_for(workspace_id: int) -> ProductSettings:
    found, _created = ProductSettings.objects.get_or_create(workspace_id=workspace_id)
    return found


def update_settings(actor: "Membership", *, version: int, **fields: Any) -> ProductSettings:
    require(actor, "product.settings")
    _check_unknown(fields, SETTINGS_FIELDS)
    if "scoring_model" in fields:
        choice("scoring_model", fields["scoring_model"], ScoringModel)
    if "demand_weight" in fields:
        try:
            weight = Decimal(str(fields["demand_weight"]))
        except (InvalidOperation, ValueError):
            raise ValidationFailed({"demand_weight": _("Enter a number.")}) from None
        if not Decimal(0) <= weight <= MAX_DEMAND_WEIGHT:
            message = _("Must be between %(low)s and %(high)s.") % {"low": 0, "high": MAX_DEMAND_WEIGHT}
            raise ValidationFailed({"demand_weight": message})
        fields["demand_weight"] = weight.quantize(Decimal("0.01"))
    with transaction.atomic():
        current = ProductSettings.objects.select_for_update().get(pk=settings_for(actor.workspace_id).pk)
        before = snapshot(current, list(fields))
        for name, value in fields.items():
            setattr(current, name, value)
        save_versioned(current, expected_version=version, fields=list(fields))
        changes = diff(before, snapshot(current, list(fields)))
        if changes:
            rescore_all(current)
            record(actor, "updated_product_settings", actor.workspace, changes, workspace_id=actor.workspace_id)
    return current


def score_of(requirement: Requirement, settings: ProductSettings) -> float | None:
    return scoring.ranking_score(
        settings.scoring_model, requirement, customers=requirement.customer_count, weight=settings.demand_weight
    )


def rescore(requirements: list[Requirement], settings: ProductSettings) -> None:
    """Store each requirement's ranking score, in one bulk update."""
    for requirement in requirements:
        requirement.score = score_of(requirement, settings)
    Requirement.all_objects.bulk_update(requirements, ["score"], batch_size=1000)


def rescore_all(settings: ProductSettings) -> None:
    """Every requirement of the workspace, from plain rows of the inputs the model reads, written
    back with executemany: Django's bulk_update spells a CASE per row, which took 15 s for 100,000
    requirements on SQLite."""
    needed = scoring.INPUTS[settings.scoring_model]
    rows = (
        Requirement.all_objects.filter(workspace_id=settings.workspace_id)
        .order_by("pk")
        .values_list("pk", "customer_count", *needed)
    )
    updates = [
        (
            scoring.ranking_score(
                settings.scoring_model,
                dict(zip(needed, values, strict=True)),
                customers=customers,
                weight=settings.demand_weight,
            ),
            pk,
        )
        for pk, customers, *values in rows.iterator(chunk_size=5000)
    ]
    table = connection.ops.quote_name(Requirement._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(updates), RESCORE_BATCH):
            cursor.executemany(f"UPDATE {table} SET score = %s WHERE id = %s", updates[start : start + RESCORE_BATCH])  # noqa: S608
