"""Project templates: the workflows a new project starts with (Scrum, Kanban, bug tracking)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from projects.models import Category, ItemType, Template

ALL_TYPES = [t.value for t in ItemType]


def _chain(names: list[str]) -> list[tuple[int, int]]:
    """Every state may move to every other: teams narrow it when they need to."""
    return [(a, b) for a in range(len(names)) for b in range(len(names)) if a != b]


def workflows_for(template: str) -> list[dict[str, Any]]:
    """[{name, item_types, states: [(name, category, wip, required)], transitions: [(i, j)]}]"""
    todo, doing, done = Category.TODO, Category.IN_PROGRESS, Category.DONE
    bug_flow = {
        "name": _("Bug"),
        "item_types": [ItemType.BUG.value],
        "states": [
            (pgettext("bug state", "Open"), todo, None, []),
            (_("Confirmed"), todo, None, []),
            (_("Fixing"), doing, None, []),
            (_("Verifying"), doing, None, []),
            (_("Closed"), done, None, ["resolution"]),
        ],
        "transitions": [(0, 1), (0, 4), (1, 2), (1, 4), (2, 3), (2, 1), (3, 4), (3, 2), (4, 0)],
    }
    if template == Template.KANBAN:
        names = [_("Backlog"), _("Ready"), _("Doing"), _("Review"), _("Done")]
        return [
            {
                "name": _("Kanban"),
                "item_types": ALL_TYPES,
                "states": [
                    (names[0], todo, None, []),
                    (names[1], todo, 10, []),
                    (names[2], doing, 5, []),
                    (names[3], doing, 3, []),
                    (names[4], done, None, []),
                ],
                "transitions": _chain(names),
            }
        ]
    if template == Template.BUGS:
        return [{**bug_flow, "item_types": ALL_TYPES}]
    names = [_("To do"), _("In progress"), _("In review"), _("Done")]
    return [
        {
            "name": _("Scrum"),
            "item_types": [t for t in ALL_TYPES if t != ItemType.BUG],
            "states": [
                (names[0], todo, None, []),
                (names[1], doing, None, []),
                (names[2], doing, None, []),
                (names[3], done, None, []),
            ],
            "transitions": _chain(names),
        },
        bug_flow,
    ]


def views_for(template: str) -> list[dict[str, Any]]:
    """The shared saved views a new project starts with: [{name, query}] (queries of projects.queries.filters)."""
    if template == Template.KANBAN:
        return [
            {"name": _("Open work by status"), "query": {"group": "state"}},
            {"name": _("Urgent"), "query": {"priority": "urgent"}},
        ]
    if template == Template.BUGS:
        return [
            {"name": _("Open bugs by priority"), "query": {"type": "bug", "sort": "priority"}},
            {"name": _("Bugs by owner"), "query": {"type": "bug", "group": "owner"}},
        ]
    return [
        {"name": _("Backlog"), "query": {"sprint": "none", "sort": "priority"}},
        {"name": _("Epics"), "query": {"type": "epic"}},
        {"name": _("Bugs"), "query": {"type": "bug", "sort": "priority"}},
    ]
