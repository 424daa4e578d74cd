"""The filter chips of list pages (core/filter_chips.html): the current URL without one filter."""

from typing import Any
from urllib.parse import urlencode

from django import template

register = template.Library()

# Parameters of the page rather than of the filters: a new filter starts on the first page.
PAGE_PARAMETERS = ("cursor",)


@register.simple_tag(takes_context=True)
def query_without(context: dict[str, Any], name: str) -> str:
    """`?…` of the current request without `name` (and without the page's cursor)."""
    params = context["request"].GET.copy()
    for drop in (name, *PAGE_PARAMETERS):
        params.pop(drop, None)
    pairs = [(key, value) for key, values in params.lists() for value in values if value != ""]
    return "?" + urlencode(pairs) if pairs else "?"
