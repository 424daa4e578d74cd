"""Optimistic locking in one place: a conditional UPDATE on id and version."""

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone

from core.activity import snapshot
from core.errors import Conflict


def save_versioned(obj: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of `obj` if its row still has `expected_version`; else raise Conflict.

    On success obj.version is the new version. The Conflict carries the row as it is now.
    """
    model = obj._meta.model  # not type(obj): request.user is a lazy wrapper
    now = timezone.now()
    values: dict[str, Any] = {}
    for name in fields:
        attname = obj._meta.get_field(name).attname  # type: ignore[union-attr]
        values[attname] = getattr(obj, attname)
    updated = model._base_manager.filter(pk=obj.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=now
    )
    if not updated:
        current = model._base_manager.filter(pk=obj.pk).first()
        state = None
        if current is not None:
            state = {"id": current.pk, "version": current.version, **snapshot(current, fields)}  # type: ignore[attr-defined]
        raise Conflict(current=state)
    obj.version = expected_version + 1  # type: ignore[attr-defined]
    obj.updated_at = now  # type: ignore[attr-defined]
