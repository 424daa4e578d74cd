"""Template filters for the shared vocabulary (core.labels)."""

import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from core import dates, numbers
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


# Closer than this to now reads "just now".
JUST_NOW = datetime.timedelta(minutes=1)


def relative_text(value: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """ "3 hours ago" / "3 小时前", "in 2 days" / "2 天后", or "just now" / "刚刚"."""
    now = now or timezone.now()
    if abs(now - value) < JUST_NOW:
        return _("just now")
    if value <= now:
        return _("%(ago)s ago") % {"ago": timesince(value, now, depth=1)}
    return _("in %(delta)s") % {"delta": timeuntil(value, now, depth=1)}


@register.simple_tag
def relative_time(value: datetime.datetime | None) -> SafeString | str:
    """A moment as a relative time, with the exact local time on hover: <time datetime title>."""
    if value is None:
        return "—"
    exact = date_format(timezone.localtime(value), "Y-m-d H:i")
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact, relative_text(value))


@register.filter
def weekday(value: datetime.date | None) -> str:
    """The day's short weekday name in the active language: Mon / 周一."""
    return dates.weekday_name(value) if value else ""
