"""The append-only activity log: every service write records itself here, once."""

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from core.labels import require_labels
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


def _ids_in(value: Any) -> set[int]:
    if isinstance(value, list):
        return set().union(*(_ids_in(v) for v in value))
    return {value} if isinstance(value, int) and not isinstance(value, bool) else set()


def _replaced(value: Any, names: dict[int, str]) -> Any:
    if isinstance(value, list):
        return [_replaced(v, names) for v in value]
    return names.get(value, value) if isinstance(value, int) and not isinstance(value, bool) else value


def _by_name(target: models.Model, changes: dict[str, Any]) -> dict[str, Any]:
    """The target's foreign keys as the related object's name at the time, so that history reads
    the same after a rename or a purge. People stay ids: pages show them by their current name in
    the workspace."""
    named = {}
    for key, value in changes.items():
        try:
            field = target._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        forward = isinstance(field, models.ForeignKey | models.ManyToManyField)
        related = field.related_model if forward else None  # type: ignore[union-attr]
        ids = _ids_in(value) if related is not None and related is not get_user_model() else set()
        if ids:
            names = {obj.pk: str(obj)[:200] for obj in related._base_manager.filter(pk__in=ids)}  # type: ignore[union-attr]
            value = _replaced(value, names)
        named[key] = value
    return named


def record(
    actor: Any,
    verb: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    *,
    workspace_id: int | None = None,
) -> Activity:
    """Write one activity row. `actor` is a User, a Membership or None (the system); `verb` and
    every changed field must have a label in core.labels."""
    from core.registry import type_of

    target_type = type_of(target).name
    require_labels(target_type, verb, changes or {})
    user = getattr(actor, "user", actor)
    return Activity.objects.create(
        workspace_id=workspace_id or target.workspace_id,  # type: ignore[attr-defined]
        actor=user,
        verb=verb,
        target_type=target_type,
        target_id=target.pk,
        target_label=str(target)[:200],
        changes=_by_name(target, changes or {}),
    )
