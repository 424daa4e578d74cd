"""The append-only activity log: every service write records itself here, once."""

import datetime
import decimal
import uuid
from typing import Any

from django.db import models

from core.models import Activity


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` in a JSON-friendly form; foreign keys by id."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname) if isinstance(field, models.ForeignKey) else getattr(obj, name)
        values[name] = _plain(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def record(
    actor: Any,
    verb: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    *,
    workspace_id: int | None = None,
) -> Activity:
    """Write one activity row. `actor` is a User, a Membership or None (the system)."""
    from core.registry import type_of

    user = getattr(actor, "user", actor)
    return Activity.objects.create(
        workspace_id=workspace_id or target.workspace_id,  # type: ignore[attr-defined]
        actor=user,
        verb=verb,
        target_type=type_of(target).name,
        target_id=target.pk,
        target_label=str(target)[:200],
        changes=changes or {},
    )
