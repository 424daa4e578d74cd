"""Template filters for the shared vocabulary (core.labels)."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from core import numbers
from core.labels import TYPE_LABELS, VERB_LABELS

register = template.Library()
VALUE_LENGTH = 80


@register.filter
def type_label(name: str) -> Any:
    return TYPE_LABELS.get(name, name)


@register.filter
def verb_label(verb: str) -> Any:
    return VERB_LABELS.get(verb, verb)


@register.filter
def change_value(value: Any) -> str:
    """A before or after value of the activity log as short text."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = ", ".join(f"{k}: {change_value(v)}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= VALUE_LENGTH else text[: VALUE_LENGTH - 1] + "…"


@register.filter
def plain_number(value: Any) -> str:
    """A decimal as written by a person: 98.2, not 98.2000; 1500, not 1.5E+3."""
    return numbers.plain_number(value)


@register.filter
def grouped(value: Any) -> str:
    """A number with the active language's digit grouping: 5000000 → 5,000,000."""
    return numbers.grouped(value)


@register.filter
def amount(value: Any, unit: str = "") -> str:
    """A number with its unit, money as the active language writes it: ¥5,000,000 / CNY 5,000,000."""
    return numbers.amount(value, unit)
