"""Dates and times in the reader's language: weekday and month names (Babel's CLDR data, so the
Chinese calendar reads 周一 … 周日 and 2026年3月), and the curated list of time zones that the
profile and the workspace settings offer."""

import datetime
import functools
import zoneinfo
from pathlib import Path
from typing import Any, Literal

from babel.dates import format_skeleton, get_day_names, get_timezone_location
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.numbers import active_locale

Width = Literal["abbreviated", "narrow", "short", "wide"]
# The zones most teams of a Chinese business work in, offered first.
COMMON_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
)
# Regions of the tz database whose zones are places; others ("Etc/GMT+8", "US/Eastern", "PRC",
# "Factory", "localtime", "posixrules") are aliases or not zones at all.
REGIONS = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}


def weekday_names(width: Width = "abbreviated") -> list[str]:
    """Monday first: ["Mon", …] in English, ["周一", …] in Chinese."""
    names = get_day_names(width, locale=active_locale())
    return [names[i] for i in range(7)]


def weekday_name(day: datetime.date, width: Width = "abbreviated") -> str:
    return weekday_names(width)[day.weekday()]


def month_name(day: datetime.date) -> str:
    """A month with its year: "December 2026" / "2026年12月"."""
    return format_skeleton("yMMMM", day, locale=active_locale())


@functools.cache
def _links() -> frozenset[str]:
    """Names that the tz database keeps only as links to another zone (Asia/Calcutta →
    Asia/Kolkata), from its source where the system has it."""
    for base in zoneinfo.TZPATH:
        source = Path(base) / "tzdata.zi"
        if source.is_file():
            lines = source.read_text().splitlines()
            return frozenset(line.split()[2] for line in lines if line.startswith("L "))
    return frozenset()


@functools.cache
def canonical_zones() -> tuple[str, ...]:
    """Every zone of a place, by its canonical name, sorted; and UTC."""
    links = _links()
    names = {
        name
        for name in zoneinfo.available_timezones()
        if name.split("/", 1)[0] in REGIONS and "/" in name and name not in links
    }
    return tuple(sorted(names | {"UTC"}))


def _offset(name: str, now: datetime.datetime) -> str:
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or datetime.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(name: str, now: datetime.datetime | None = None) -> str:
    """ "(UTC+08:00) Asia/Shanghai · 中国（上海）时间": the offset today, the name, the place."""
    now = now or timezone.now()
    if name == "UTC":
        return "(UTC+00:00) UTC"
    place = get_timezone_location(name, locale=active_locale())
    return f"({_offset(name, now)}) {name.replace('_', ' ')} · {place}"


@functools.lru_cache(maxsize=8)
def _grouped_choices(language: str, day: datetime.date) -> tuple[tuple[Any, tuple[tuple[str, str], ...]], ...]:
    now = timezone.now()
    common = tuple((name, zone_label(name, now)) for name in COMMON_ZONES)
    groups: list[tuple[Any, tuple[tuple[str, str], ...]]] = [(_("Common"), common)]
    for region, label in REGIONS.items():
        zones = tuple(
            (name, zone_label(name, now))
            for name in canonical_zones()
            if name.startswith(region + "/") and name not in COMMON_ZONES
        )
        if zones:
            groups.append((str(label), zones))
    return tuple(groups)


@functools.cache
def _offered() -> frozenset[str]:
    return frozenset(COMMON_ZONES) | frozenset(canonical_zones())


def is_offered_zone(name: str, stored: str | None = None) -> bool:
    """The rule of the time-zone select, for the services as well as the forms: a listed zone, or
    the zone already stored (an alias such as "PRC" that was valid when it was saved)."""
    return name in _offered() or (bool(name) and name == stored and name in zoneinfo.available_timezones())


def time_zone_choices(current: str | None = None) -> list[tuple[Any, Any]]:
    """Choices for a time-zone select, grouped: the common zones first, then every canonical zone
    by region. A stored zone that is valid but not listed (an alias such as "PRC") is kept, first,
    so that saving the form again does not refuse it."""
    groups: list[tuple[Any, Any]] = [
        (str(label), list(zones)) for label, zones in _grouped_choices(get_language() or "", timezone.localdate())
    ]
    listed = {name for _label, zones in groups for name, _ in zones}
    if current and current not in listed and current in zoneinfo.available_timezones():
        groups.insert(0, (current, current))
    return groups
