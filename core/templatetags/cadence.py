"""Template filters for the shared vocabulary (core.labels)."""

from typing import Any

from django import template

from core.labels import FIELD_LABELS, TYPE_LABELS, VERB_LABELS

register = template.Library()
VALUE_LENGTH = 80


@register.filter
def type_label(name: str) -> Any:
    return TYPE_LABELS.get(name, name)


@register.filter
def verb_label(verb: str) -> Any:
    return VERB_LABELS.get(verb, verb)


@register.filter
def field_label(name: str) -> Any:
    return FIELD_LABELS.get(name, name)


@register.filter
def change_value(value: Any) -> str:
    """A before or after value of the activity log as short text."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= VALUE_LENGTH else text[: VALUE_LENGTH - 1] + "…"
