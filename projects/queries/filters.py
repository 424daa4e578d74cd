"""The work-item list's filters, sorts and groupings: declared here once (SECURITY.md rule 10) and
used by the API, the web list, saved views and exports alike."""

import datetime
from typing import Any

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed
from projects.models import Category, ItemType, Priority

FAR_FUTURE = datetime.date(9999, 12, 31)

# sort name → (label, ordering for core.pagination.paginate)
SORTS = {
    "newest": (gettext_lazy("Newest"), "-id"),
    "oldest": (gettext_lazy("Oldest"), "id"),
    "priority": (gettext_lazy("Priority"), "priority_rank"),
    "due": (gettext_lazy("Due date"), "due"),
    "updated": (gettext_lazy("Recently updated"), "-updated_at"),
}
# group name → (label, ordering that keeps a group's items together)
GROUPS = {
    "state": (gettext_lazy("Status"), "state_id"),
    "owner": (gettext_lazy("Owner"), "owner_id"),
    "priority": (gettext_lazy("Priority"), "priority_rank"),
    "type": (gettext_lazy("Type"), "type"),
    "sprint": (gettext_lazy("Sprint"), "sprint_key"),
}
INT_FILTERS = ("state", "owner", "sprint", "milestone", "parent")
CHOICE_FILTERS = {"type": ItemType, "priority": Priority, "category": Category}
TEXT_FILTERS = ("tag", "q")
FILTERS = (*INT_FILTERS, *CHOICE_FILTERS, *TEXT_FILTERS, "sort", "group")


def check_query(query: dict[str, Any]) -> dict[str, Any]:
    """Only declared parameters with values of the declared form; anything else is refused by name."""
    clean: dict[str, Any] = {}
    for name, value in query.items():
        if value in (None, ""):
            continue
        value = str(value)
        if name in INT_FILTERS:
            if name == "sprint" and value == "none":
                clean[name] = value
                continue
            if not value.isdigit() or not 1 <= int(value) <= 2**53:
                raise ValidationFailed({name: _("Enter a whole number.")})
            clean[name] = int(value)
        elif name in CHOICE_FILTERS:
            if value not in CHOICE_FILTERS[name].values:
                raise ValidationFailed(
                    {name: _("Choose one of: %(choices)s.") % {"choices": ", ".join(CHOICE_FILTERS[name].values)}}
                )
            clean[name] = value
        elif name in TEXT_FILTERS:
            if len(value) > 100 or "\x00" in value:
                raise ValidationFailed({name: _("Ensure this value has at most %(n)s characters.") % {"n": 100}})
            clean[name] = value
        elif name == "sort":
            if value not in SORTS:
                raise ValidationFailed({name: _("Choose one of: %(choices)s.") % {"choices": ", ".join(SORTS)}})
            clean[name] = value
        elif name == "group":
            if value not in GROUPS:
                raise ValidationFailed({name: _("Choose one of: %(choices)s.") % {"choices": ", ".join(GROUPS)}})
            clean[name] = value
        else:
            raise ValidationFailed({name: _("This filter does not exist.")})
    return clean


def apply(qs: models.QuerySet, query: dict[str, Any]) -> tuple[models.QuerySet, str]:
    """The filtered queryset and the ordering to page it by; `query` went through check_query."""
    for name in INT_FILTERS:
        if name in query:
            if query[name] == "none":
                qs = qs.filter(**{f"{name}__isnull": True})
            else:
                qs = qs.filter(**{f"{name}_id": query[name]})
    for name in CHOICE_FILTERS:
        if name in query:
            qs = qs.filter(**{name: query[name]})
    if "tag" in query:
        qs = (
            qs.filter(tags__contains=[query["tag"]])
            if _json_contains_supported(qs)
            else qs.filter(tags__icontains=f'"{query["tag"]}"')
        )
    if "q" in query:
        qs = qs.filter(Q(title__icontains=query["q"]) | Q(description__icontains=query["q"]))
    if "group" in query:
        order = GROUPS[query["group"]][1]
        if order == "sprint_key":
            qs = qs.annotate(sprint_key=Coalesce("sprint_id", Value(0)))
    else:
        order = SORTS[query.get("sort", "newest")][1]
    if order.lstrip("-") == "due":
        qs = qs.annotate(due=Coalesce("due_date", Value(FAR_FUTURE)))
    return qs, order


def _json_contains_supported(qs: models.QuerySet) -> bool:
    from django.db import connections

    return bool(connections[qs.db].features.supports_json_field_contains)
