"""The checks every service makes of its plain inputs, each a field error in the user's language."""

from typing import Any

from django.utils.translation import gettext as _

from core.errors import ValidationFailed


def clean_text(field: str, value: Any, max_length: int, *, required: bool = False) -> str:
    """Text stripped and checked: a string, at most `max_length`, no NUL, present if `required`."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed({field: _("Enter text.")})
    value = value.strip()
    if required and not value:
        raise ValidationFailed({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationFailed({field: _("Ensure this value has at most %(n)s characters.") % {"n": max_length}})
    if "\x00" in value:
        raise ValidationFailed({field: _("This value has characters or a form that is not allowed.")})
    return value


def required_text(field: str, value: Any, max_length: int) -> str:
    return clean_text(field, value, max_length, required=True)


def choice(field: str, value: Any, choices: Any, *, blank: bool = False) -> str:
    """`value` if it is one of `choices` (or empty, with `blank`), else a field error."""
    if blank and value in (None, ""):
        return ""
    if value not in choices.values:
        raise ValidationFailed({field: _("Choose one of: %(n)s.") % {"n": ", ".join(choices.values)}})
    return str(value)
