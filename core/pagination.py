"""Keyset pagination, the one style for every list: an opaque cursor, no OFFSET.

A list declares the orderings it accepts (`sort` allow-list); each ordering ends on the primary
key, so every page is an index range scan whatever its depth.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise ValidationFailed({"cursor": _("This cursor is not valid; start again from the first page.")})
    return values


def check_limit(limit: int | None) -> int:
    if limit is None:
        return settings.PAGE_SIZE_DEFAULT
    if not 1 <= limit <= settings.PAGE_SIZE_MAX:
        raise ValidationFailed({"limit": _("Must be between 1 and %(max)s.") % {"max": settings.PAGE_SIZE_MAX}})
    return limit


def value_of(row: Any, key: str) -> Any:
    """A sort key's value from a model instance or a `.values()` row."""
    if isinstance(row, dict):
        return row["id" if key == "pk" else key]
    return getattr(row, key)


def _field_of(qs: models.QuerySet, key: str) -> Any:
    """The field (or annotation) a sort key reads, to parse cursor values back."""
    if key == "pk":
        return qs.model._meta.pk
    if key in qs.query.annotations:
        return qs.query.annotations[key].output_field
    return next(f for f in qs.model._meta.concrete_fields if key in (f.name, f.attname))


def paginate(qs: models.QuerySet, *, cursor: str | None, limit: int | None, order: str = "-id") -> Page[Any]:
    """One page of `qs` ordered by `order` ("field" or "-field"), then by id in the same direction."""
    limit = check_limit(limit)
    descending = order.startswith("-")
    field = order.lstrip("-")
    keys = ["pk"] if field in {"id", "pk"} else [field, "pk"]
    qs = qs.order_by(*[("-" if descending else "") + k for k in keys])
    if cursor:
        values = decode_cursor(cursor, len(keys))
        model_fields = [_field_of(qs, k) for k in keys]
        try:
            values = [f.to_python(v) for f, v in zip(model_fields, values, strict=True)]  # type: ignore[union-attr]
        except Exception:
            raise ValidationFailed(
                {"cursor": _("This cursor is not valid; start again from the first page.")}
            ) from None
        op = "lt" if descending else "gt"
        condition = Q()
        # (a, b) > (x, y)  ==  a > x OR (a = x AND b > y)
        for i in range(len(keys)):
            step = Q(**{f"{keys[j]}": values[j] for j in range(i)}) & Q(**{f"{keys[i]}__{op}": values[i]})
            condition |= step
        qs = qs.filter(condition)
    rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([value_of(last, k) for k in keys])
    return Page(items=rows, next_cursor=next_cursor)
