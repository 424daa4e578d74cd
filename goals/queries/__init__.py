"""Reads of cycles and objectives, always scoped to the actor's workspace (SECURITY.md rule 1):
another workspace's cycle or objective is a 404, as if it did not exist; an id of one named in a
body is a field error.

The alignment tree of a cycle (company → personal) is read in a constant number of queries: the
objectives with their owner and unit, and their key results (for the SMART warnings). Progress and
roll-up are stored on the objectives (`goals.services.tree.refresh_cycle` keeps them current)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from core.errors import NotFound, ValidationFailed
from core.permissions import can, require
from goals import smart
from goals.models import LEVEL_ORDER, Cycle, CycleStatus, KeyResult, Objective, ObjectiveLevel

if TYPE_CHECKING:
    from accounts.models import Membership

MAX_ID = 2**53
# Filters of objective lists and the tree, declared once (rule 10): name → the field it reads.
TREE_PAGE = 200  # objectives a page of the tree shows

INT_FILTERS = {
    "cycle": "cycle_id",
    "department": "department_id",
    "team": "team_id",
    "product": "product_id",
    "owner": "owner_id",
    "parent": "parent_id",
}
OBJECTIVE_FILTERS = (*INT_FILTERS, "level")
TREE_FILTERS = ("level", "department", "team", "owner")
RELATED = ("cycle", "owner", "department", "team", "product")


# --- Cycles --------------------------------------------------------------------------------------


def cycles_for(actor: "Membership", *, status: str | None = None) -> models.QuerySet[Cycle]:
    require(actor, "goals.view")
    qs = Cycle.objects.filter(workspace_id=actor.workspace_id).select_related("reopened_by")
    return qs.filter(status=status) if status else qs


def get_cycle(actor: "Membership", cycle_id: int) -> Cycle:
    """The cycle in the actor's workspace; NotFound otherwise."""
    cycle = cycles_for(actor).filter(pk=cycle_id).select_related("workspace").first() if cycle_id <= MAX_ID else None
    if cycle is None:
        raise NotFound()
    return cycle


def cycle_named_in_body(actor: "Membership", cycle_id: int | None, field: str = "cycle_id") -> Cycle:
    """The cycle an input names: another workspace's id is a field error (422), not a 404."""
    cycle = cycles_for(actor).filter(pk=cycle_id).first() if cycle_id and cycle_id <= MAX_ID else None
    if cycle is None:
        raise ValidationFailed({field: _("Choose a cycle of this workspace.")})
    return cycle


def active_cycle(actor: "Membership") -> Cycle | None:
    return cycles_for(actor).filter(status=CycleStatus.ACTIVE).first()


def tree_cycle(actor: "Membership", cycle_id: int | None = None) -> Cycle | None:
    """The cycle a tree shows: the one named, else the active one, else the latest; None without any."""
    if cycle_id is not None:
        return get_cycle(actor, cycle_id)
    return active_cycle(actor) or cycles_for(actor).order_by("-start_date", "-id").first()


def cycle_choices(actor: "Membership", *, writable: bool = False) -> list[tuple[int, str]]:
    """Cycles, latest first, in one query; `writable` leaves out the closed ones."""
    qs = cycles_for(actor)
    if writable:
        qs = qs.exclude(status=CycleStatus.CLOSED)
    return list(qs.order_by("-start_date", "-id").values_list("pk", "name"))


def objective_count(cycle: Cycle) -> int:
    return Objective.objects.filter(cycle=cycle).count()


# --- Objectives ----------------------------------------------------------------------------------


def check_objective_query(query: dict[str, Any], allowed: tuple[str, ...] = OBJECTIVE_FILTERS) -> dict[str, Any]:
    """Only declared filters with values of the declared form; anything else is refused by name."""
    clean: dict[str, Any] = {}
    for name, value in query.items():
        if value in (None, ""):
            continue
        if name not in allowed:
            raise ValidationFailed({name: _("This filter does not exist.")})
        text = str(value)
        if name == "level":
            if text not in ObjectiveLevel.values:
                raise ValidationFailed({name: _("Choose one of: %(n)s.") % {"n": ", ".join(ObjectiveLevel.values)}})
            clean[name] = text
        elif not text.isdigit() or not 1 <= int(text) <= MAX_ID:
            raise ValidationFailed({name: _("Enter a whole number.")})
        else:
            clean[name] = int(text)
    return clean


def _key_results() -> Prefetch:
    return Prefetch("key_results", queryset=KeyResult.objects.order_by("position", "id"), to_attr="key_result_list")


def objectives_for(actor: "Membership", query: dict[str, Any] | None = None) -> models.QuerySet[Objective]:
    """The workspace's objectives (not in the trash), filtered by `query` (from check_objective_query),
    with what their output shows loaded. Not ordered: the caller pages."""
    require(actor, "goals.view")
    qs = Objective.objects.filter(workspace_id=actor.workspace_id).select_related(*RELATED)
    for name, value in (query or {}).items():
        qs = qs.filter(level=value) if name == "level" else qs.filter(**{INT_FILTERS[name]: value})
    return qs.prefetch_related(_key_results())


def get_objective(actor: "Membership", objective_id: int) -> Objective:
    """The objective with its cycle, owner, unit, parent and key results; NotFound outside the workspace."""
    objective = (
        objectives_for(actor).select_related("parent", "workspace").filter(pk=objective_id).first()
        if objective_id <= MAX_ID
        else None
    )
    if objective is None:
        raise NotFound()
    return objective


def may_change(actor: "Membership", objective: Objective) -> bool:
    """Whether the page offers the objective's edit form and editors: not in a read-only cycle, and
    a company objective for owners and admins only (the services check the same on saving)."""
    if objective.cycle.read_only or not can(actor, "goals.edit"):
        return False
    return objective.level != ObjectiveLevel.COMPANY or can(actor, "goals.manage")


def findings_of(objective: Objective) -> list[smart.Finding]:
    """The SMART findings of the objective itself (its key results loaded by objectives_for)."""
    key_results = getattr(objective, "key_result_list", None)
    if key_results is None:
        key_results = list(objective.key_results.order_by("position", "id"))
    return smart.check_objective(
        title=objective.title, owner_id=objective.owner_id, cycle=objective.cycle, key_results=key_results
    )


def key_result_findings(key_result: KeyResult, cycle: Cycle) -> list[smart.Finding]:
    return smart.check_key_result(
        title=key_result.title,
        metric=key_result.metric,
        start_value=key_result.start_value,
        target_value=key_result.target_value,
        owner_id=key_result.owner_id,
        due_date=key_result.due_date,
        cycle=cycle,
    )


def warning_count(objective: Objective) -> int:
    """SMART warnings of the objective and of each of its key results."""
    cycle = objective.cycle
    return len(findings_of(objective)) + sum(
        len(key_result_findings(kr, cycle)) for kr in getattr(objective, "key_result_list", [])
    )


def children_of(actor: "Membership", objective: Objective) -> list[Objective]:
    """The objectives aligned directly to this one, top level first."""
    rows = list(objectives_for(actor).filter(parent=objective))
    return sorted(rows, key=_order)


def path_to(objective: Objective) -> list[tuple[int, str]]:
    """The objectives above this one, from the root down: (id, title), in one query."""
    rows = {
        pk: (parent_id, title)
        for pk, parent_id, title in Objective.objects.filter(cycle_id=objective.cycle_id).values_list(
            "pk", "parent_id", "title"
        )
    }
    path: list[tuple[int, str]] = []
    seen = {objective.pk}
    current = objective.parent_id
    while current is not None and current in rows and current not in seen:
        seen.add(current)
        path.append((current, rows[current][1]))
        current = rows[current][0]
    return list(reversed(path))


def descendant_ids(objective: Objective) -> set[int]:
    """Every objective aligned under this one (to leave out of its parent choices), in one query."""
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id in Objective.objects.filter(cycle_id=objective.cycle_id).values_list("pk", "parent_id"):
        if parent_id is not None:
            children[parent_id].append(pk)
    found: set[int] = set()
    stack = [objective.pk]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


# --- The tree ------------------------------------------------------------------------------------


def _order(objective: Any) -> tuple[int, int, int]:
    return (LEVEL_ORDER.index(ObjectiveLevel(objective.level)), objective.position, objective.pk)


@dataclass
class TreeRow:
    objective: Objective
    depth: int
    warnings: int


@dataclass
class Tree:
    cycle: Cycle | None
    rows: list[TreeRow] = field(default_factory=list)
    filtered: bool = False
    page: int = 1
    total: int = 0  # objectives in the whole tree, over every page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // TREE_PAGE))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


class KeyResultFacts(NamedTuple):
    """What the SMART check reads of a key result: the tree loads only this, as plain rows."""

    objective_id: int
    title: str
    metric: str
    start_value: Decimal
    target_value: Decimal | None
    owner_id: int
    due_date: datetime.date | None
    deleted_at: None = None  # the rows are of key results not in the trash


# What the tree shows of an objective, its owner and unit: nothing else is read (no dates to convert).
TREE_FIELDS = (
    "id",
    "workspace_id",
    "cycle_id",
    "title",
    "level",
    "department_id",
    "team_id",
    "product_id",
    "owner_id",
    "parent_id",
    "progress",
    "rolled_up",
    "score",
    "position",
    "owner__id",
    "owner__username",
    "owner__display_name",
    "department__id",
    "department__name",
    "team__id",
    "team__name",
    "product__id",
    "product__name",
)


def _tree_warnings(objective: Objective, key_results: list[KeyResultFacts], cycle: Cycle) -> int:
    """warning_count() of an objective whose key results are `key_results` (their SMART facts)."""
    found = smart.check_objective(
        title=objective.title, owner_id=objective.owner_id, cycle=cycle, key_results=key_results
    )
    return len(found) + sum(len(key_result_findings(kr, cycle)) for kr in key_results)  # type: ignore[arg-type,misc]


def tree_for(actor: "Membership", cycle: Cycle | None, query: dict[str, Any] | None = None, *, page: int = 1) -> Tree:
    """The cycle's objectives in alignment order: each root (company level first), then what is
    aligned under it, depth first, TREE_PAGE rows a page. With filters, only the matching objectives
    are shown; one whose parent is not shown starts a new root. Two queries whatever the size of the
    tree: its objectives with their owner and unit (only the fields shown; the order needs them
    all), and the SMART facts of the page's key results as plain rows."""
    require(actor, "goals.view")
    if cycle is None:
        return Tree(cycle=None)
    query = query or {}
    qs = Objective.objects.filter(workspace_id=actor.workspace_id, cycle_id=cycle.pk)
    for name, value in query.items():
        qs = qs.filter(level=value) if name == "level" else qs.filter(**{INT_FILTERS[name]: value})
    # The order needs every objective, but only as (id, parent, level, position); the page's rows
    # are then read whole.
    order = _alignment_order([_Node(*row) for row in qs.order_by().values_list("pk", "parent_id", "level", "position")])
    pages = max(1, -(-len(order) // TREE_PAGE))
    page = min(max(1, page), pages)
    wanted = order[(page - 1) * TREE_PAGE : page * TREE_PAGE]
    found = qs.filter(pk__in=[node.pk for node, _depth in wanted]).select_related(
        "owner", "department", "team", "product"
    )
    by_id = {o.pk: o for o in found.only(*TREE_FIELDS)}
    shown = [(by_id[node.pk], depth) for node, depth in wanted if node.pk in by_id]
    for objective, _depth in shown:
        objective.cycle = cycle
    facts: dict[int, list[KeyResultFacts]] = defaultdict(list)
    if shown:
        rows = (
            KeyResult.objects.filter(objective_id__in=[o.pk for o, _depth in shown])
            .order_by("position", "id")
            .values_list(*KeyResultFacts._fields[:-1])
        )
        for row in rows:
            facts[row[0]].append(KeyResultFacts(*row))
    rows_out = [TreeRow(o, depth, _tree_warnings(o, facts.get(o.pk, []), cycle)) for o, depth in shown]
    return Tree(cycle=cycle, rows=rows_out, filtered=bool(query), page=page, total=len(order))


class _Node(NamedTuple):
    """What the tree's order needs of an objective."""

    pk: int
    parent_id: int | None
    level: str
    position: int


def _alignment_order(objectives: list[_Node]) -> list[tuple[_Node, int]]:
    """Depth first from the roots; an objective whose parent is not in the list is a root."""
    present = {o.pk for o in objectives}
    children: dict[int | None, list[_Node]] = defaultdict(list)
    for objective in objectives:
        children[objective.parent_id if objective.parent_id in present else None].append(objective)
    order: list[tuple[_Node, int]] = []
    placed: set[int] = set()

    def walk(root: _Node) -> None:
        # Iterative: a long chain of objectives aligned one under the other must not hit the
        # recursion limit.
        stack = [(root, 0)]
        while stack:
            objective, depth = stack.pop()
            if objective.pk in placed:
                continue
            placed.add(objective.pk)
            order.append((objective, depth))
            stack.extend(
                (child, depth + 1) for child in sorted(children.get(objective.pk, []), key=_order, reverse=True)
            )

    for objective in sorted(children.get(None, []), key=_order):
        walk(objective)
    # A bad row (a loop the services refuse) would be unreachable from a root: show it anyway.
    for objective in sorted(objectives, key=_order):
        walk(objective)
    return order


# --- Choices for forms and filters, each in one query --------------------------------------------


def department_choices(actor: "Membership") -> list[tuple[int, str]]:
    from accounts.queries import department_tree

    return [(d.pk, "— " * depth + d.name) for d, depth in department_tree(actor)]


def team_choices(actor: "Membership") -> list[tuple[int, str]]:
    from accounts.queries import teams_for

    return list(teams_for(actor).order_by("name", "id").values_list("pk", "name"))


def product_choices(actor: "Membership") -> list[tuple[int, str]]:
    from product.queries import product_choices as products

    return products(actor)


def people_choices(actor: "Membership") -> list[tuple[int, str]]:
    from product.queries import people_choices as people

    return people(actor)


def parent_choices(actor: "Membership", objective: Objective | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """Objectives one may align to, grouped by their (open) cycle: never the objective itself nor
    one under it. One query (two when editing)."""
    require(actor, "goals.view")
    excluded = {objective.pk, *descendant_ids(objective)} if objective is not None else set()
    rows = (
        Objective.objects.filter(workspace_id=actor.workspace_id, cycle__deleted_at__isnull=True)
        .exclude(cycle__status=CycleStatus.CLOSED)
        .order_by("-cycle__start_date", "cycle_id")
        .values_list("pk", "title", "level", "cycle_id", "cycle__name")
    )
    groups: dict[int, tuple[str, list[tuple[int, int, str]]]] = {}
    for pk, title, level, cycle_id, cycle_name in rows:
        if pk not in excluded:
            entry = (LEVEL_ORDER.index(ObjectiveLevel(level)), pk, f"{ObjectiveLevel(level).label} · {title}")
            groups.setdefault(cycle_id, (cycle_name, []))[1].append(entry)
    return [(name, [(pk, label) for _rank, pk, label in sorted(entries)]) for name, entries in groups.values()]


def form_choices(actor: "Membership", objective: Objective | None = None) -> dict[str, Any]:
    """Everything the objective form offers, one query each."""
    return {
        "cycles": cycle_choices(actor, writable=True),
        "departments": department_choices(actor),
        "teams": team_choices(actor),
        "products": product_choices(actor),
        "people": people_choices(actor),
        "parents": parent_choices(actor, objective),
    }


def filter_choices(actor: "Membership") -> dict[str, Any]:
    """What the tree's filters offer, one query each."""
    return {
        "cycles": cycle_choices(actor),
        "departments": department_choices(actor),
        "teams": team_choices(actor),
        "people": people_choices(actor),
    }
