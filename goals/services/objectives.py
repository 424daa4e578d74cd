"""Writes to objectives (目标): create, edit, move and delete them, and align them in a cycle's tree.

The rules, each refused with an error naming its field:
- the level says whose objective it is: a department, team or product objective names one of this
  workspace (department_id, team_id, product_id); company and personal objectives name none;
- company objectives are set by owners and admins ("goals.manage"), any write to one included;
- one owner, an active member of the workspace (the actor by default);
- the parent (alignment, 对齐) is an objective of the same cycle, never the objective itself or one
  aligned under it (no loops), and its level is not below the child's (LEVEL_ORDER);
- a closed cycle is read-only (`require_writable`); moving to another cycle needs both writable,
  and the objectives aligned to a moved one stay in their cycle and lose their parent.

Every write that changes the tree's shape refreshes the stored progress of the cycles concerned
(`tree.refresh_cycle`) in its transaction."""

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.activity import diff, record, snapshot
from core.errors import ValidationFailed
from core.permissions import can, require
from core.services import soft_delete
from core.validation import choice, clean_text, required_text
from core.versioning import save_versioned
from goals.models import LEVEL_ORDER, Cycle, Objective, ObjectiveLevel
from goals.queries import descendant_ids
from goals.services.cycles import require_writable
from goals.services.tree import refresh_cycle

if TYPE_CHECKING:
    from accounts.models import Membership

TITLE_MAX_LENGTH = 300
DESCRIPTION_MAX_LENGTH = 20_000
EDITABLE = (
    "title",
    "description",
    "level",
    "department_id",
    "team_id",
    "product_id",
    "owner_id",
    "parent_id",
    "cycle_id",
)
# The organisational unit each level names, and the levels that name none.
UNIT_OF_LEVEL = {
    ObjectiveLevel.DEPARTMENT: "department_id",
    ObjectiveLevel.TEAM: "team_id",
    ObjectiveLevel.PRODUCT: "product_id",
}
UNITS = ("department_id", "team_id", "product_id")
# The activity log names fields without "_id", as snapshot() does.
LOGGED = ("title", "description", "level", "department", "team", "product", "owner", "parent", "cycle")


def rank(level: str) -> int:
    """A level's place from the top of the tree: company 0 … personal 4."""
    return LEVEL_ORDER.index(ObjectiveLevel(level))


# --- Checks --------------------------------------------------------------------------------------


def _check_unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in sorted(unknown)})


def _cycle(actor: "Membership", cycle_id: Any) -> Cycle:
    """A cycle of the actor's workspace named in the input, else a field error (never a 404)."""
    found = Cycle.objects.filter(workspace_id=actor.workspace_id, pk=cycle_id).first() if _is_id(cycle_id) else None
    if found is None:
        raise ValidationFailed({"cycle_id": _("Choose a cycle of this workspace.")})
    return found


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2**53


def _unit(actor: "Membership", field: str, value: Any) -> int | None:
    """A department, team or product of this workspace (not in the trash), by id; None stays None."""
    from accounts.models import Department, Team
    from product.models import Product

    if value in (None, ""):
        return None
    model: Any = {"department_id": Department, "team_id": Team, "product_id": Product}[field]
    found = _is_id(value) and model.objects.filter(workspace_id=actor.workspace_id, pk=value).exists()
    if not found:
        messages = {
            "department_id": _("Choose a department of this workspace."),
            "team_id": _("Choose a team of this workspace."),
            "product_id": _("Choose a product of this workspace."),
        }
        raise ValidationFailed({field: messages[field]})
    return int(value)


def _owner(actor: "Membership", owner_id: Any) -> int:
    from projects.services import workspace_user

    if not _is_id(owner_id):
        raise ValidationFailed({"owner_id": _("Choose a member of this workspace.")})
    return workspace_user(actor, owner_id, "owner_id").pk


def _parent(actor: "Membership", parent_id: Any) -> Objective | None:
    if parent_id in (None, ""):
        return None
    found = (
        Objective.objects.filter(workspace_id=actor.workspace_id, pk=parent_id).first() if _is_id(parent_id) else None
    )
    if found is None:
        raise ValidationFailed({"parent_id": _("Choose an objective of this workspace.")})
    return found


def _check_alignment(objective: Objective | None, level: str, cycle_id: int, parent: Objective | None) -> None:
    """The parent is in the same cycle, not the objective or under it, and not below it."""
    if parent is None:
        return
    if parent.cycle_id != cycle_id:
        raise ValidationFailed({"parent_id": _("Choose an objective of the same cycle.")})
    if objective is not None:
        if parent.pk == objective.pk:
            raise ValidationFailed({"parent_id": _("An objective cannot be aligned to itself.")})
        if parent.pk in descendant_ids(objective):
            raise ValidationFailed(
                {"parent_id": _("This objective is aligned under this one: aligning to it would make a loop.")}
            )
    if rank(parent.level) > rank(level):
        raise ValidationFailed(
            {
                "parent_id": _(
                    "A %(child)s objective cannot be aligned to a %(parent)s objective: "
                    "choose one at its level or above."
                )
                % {"child": ObjectiveLevel(level).label, "parent": ObjectiveLevel(parent.level).label}
            }
        )


def _check_children_levels(objective: Objective, level: str) -> None:
    """An objective moved down a level keeps no child above it."""
    higher = [
        child_level
        for child_level in objective.children.filter(deleted_at__isnull=True).values_list("level", flat=True)
        if rank(child_level) < rank(level)
    ]
    if higher:
        raise ValidationFailed(
            {
                "level": _(
                    "Objectives at a higher level are aligned to this one (%(level)s): align them elsewhere first."
                )
                % {"level": ObjectiveLevel(higher[0]).label}
            }
        )


def _require_level_right(actor: "Membership", level: str) -> None:
    """Choosing the company level is for owners and admins: a field error for anyone else."""
    if level == ObjectiveLevel.COMPANY and not can(actor, "goals.manage"):
        raise ValidationFailed({"level": _("Only owners and admins set company objectives.")})


def _require_may_change(actor: "Membership", objective: Objective) -> None:
    """A company objective is changed or deleted by owners and admins only."""
    require(actor, "goals.edit")
    if objective.level == ObjectiveLevel.COMPANY:
        require(actor, "goals.manage")


def _units_for(actor: "Membership", level: str, values: dict[str, Any]) -> dict[str, int | None]:
    """The department, team and product for `level`: the one it names is required, the others empty."""
    units: dict[str, int | None] = {}
    wanted = UNIT_OF_LEVEL.get(ObjectiveLevel(level))
    for field in UNITS:
        value = _unit(actor, field, values.get(field))
        if field != wanted and value is not None:
            raise ValidationFailed(
                {
                    field: _("A %(level)s objective does not name this; leave it empty.")
                    % {"level": ObjectiveLevel(level).label}
                }
            )
        units[field] = value
    if wanted is not None and units[wanted] is None:
        messages = {
            "department_id": _("A department objective names its department."),
            "team_id": _("A team objective names its team."),
            "product_id": _("A product objective names its product."),
        }
        raise ValidationFailed({wanted: messages[wanted]})
    return units


# --- Writes --------------------------------------------------------------------------------------


def create_objective(
    actor: "Membership",
    cycle: Cycle,
    *,
    title: str,
    level: str = ObjectiveLevel.TEAM,
    owner_id: int | None = None,
    **fields: Any,
) -> Objective:
    """A new objective of `cycle` (the caller resolved it in the actor's workspace), owned by the
    person named: one is never assumed, not even the actor."""
    require(actor, "goals.edit")
    _check_unknown(fields)
    fields.pop("cycle_id", None)
    level = choice("level", level, ObjectiveLevel)
    _require_level_right(actor, level)
    require_writable(cycle)
    title = required_text("title", title, TITLE_MAX_LENGTH)
    description = clean_text("description", fields.get("description"), DESCRIPTION_MAX_LENGTH)
    if owner_id is None:
        raise ValidationFailed({"owner_id": _("Choose the owner: one person answers for it.")})
    owner = _owner(actor, owner_id)
    units = _units_for(actor, level, fields)
    parent = _parent(actor, fields.get("parent_id"))
    _check_alignment(None, level, cycle.pk, parent)
    with transaction.atomic():
        objective = Objective.objects.create(
            workspace_id=actor.workspace_id,
            cycle=cycle,
            title=title,
            description=description,
            level=level,
            owner_id=owner,
            parent=parent,
            **units,
        )
        record(actor, "created", objective, snapshot(objective, ["title", "level", "owner", "parent", "cycle"]))
        if parent is not None:
            refresh_cycle(cycle.pk)
    return objective


def update_objective(actor: "Membership", objective: Objective, *, version: int, **fields: Any) -> Objective:
    """Change the fields given. `cycle_id` moves the objective to another cycle: its parent is
    cleared unless one of the new cycle is given, and the objectives aligned to it lose it."""
    _require_may_change(actor, objective)
    _check_unknown(fields)
    require_writable(objective.cycle)
    clean: dict[str, Any] = {}
    if "title" in fields:
        clean["title"] = required_text("title", fields["title"], TITLE_MAX_LENGTH)
    if "description" in fields:
        clean["description"] = clean_text("description", fields["description"], DESCRIPTION_MAX_LENGTH)
    level = objective.level
    if "level" in fields:
        level = clean["level"] = choice("level", fields["level"], ObjectiveLevel)
        _require_level_right(actor, level)
        if rank(level) > rank(objective.level):
            _check_children_levels(objective, level)
    if "owner_id" in fields:
        clean["owner_id"] = _owner(actor, fields["owner_id"])
    cycle = objective.cycle
    moved = False
    if "cycle_id" in fields and fields["cycle_id"] != objective.cycle_id:
        cycle = _cycle(actor, fields["cycle_id"])
        require_writable(cycle)
        clean["cycle_id"], moved = cycle.pk, True
    # Units: those given, else the current ones; a level change drops the ones it does not name.
    if "level" in fields or any(f in fields for f in UNITS):
        current = {f: getattr(objective, f) for f in UNITS}
        wanted = UNIT_OF_LEVEL.get(ObjectiveLevel(level))
        if "level" in fields:
            current = {f: (v if f == wanted else None) for f, v in current.items()}
        clean.update(_units_for(actor, level, {**current, **{f: fields[f] for f in UNITS if f in fields}}))
    if "parent_id" in fields:
        parent = _parent(actor, fields["parent_id"])
    else:
        parent = objective.parent if objective.parent_id else None
        if moved:
            parent = None  # the old parent is in the old cycle
    if "parent_id" in fields or moved or "level" in fields:
        _check_alignment(objective, level, cycle.pk, parent)
    clean["parent_id"] = parent.pk if parent is not None else None
    if clean["parent_id"] == objective.parent_id and "parent_id" not in fields:
        del clean["parent_id"]
    names = [name.removesuffix("_id") if name.endswith("_id") else name for name in clean]
    before = snapshot(objective, names)
    old_cycle_id = objective.cycle_id
    shape_changed = moved or clean.get("parent_id", objective.parent_id) != objective.parent_id
    with transaction.atomic():
        for name, value in clean.items():
            setattr(objective, name, value)
        if "cycle_id" in clean:
            objective.cycle = cycle
        save_versioned(objective, expected_version=version, fields=names)
        changes = diff(before, snapshot(objective, names))
        if changes:
            record(actor, "updated", objective, changes)
        if moved:
            _release_children(actor, objective)
        if shape_changed:
            refresh_cycle(objective.cycle_id)
            if moved:
                refresh_cycle(old_cycle_id)
    return objective


def _release_children(actor: "Membership", objective: Objective) -> None:
    """The objectives aligned to a moved objective stay in their cycle, without a parent."""
    for child in list(Objective.all_objects.filter(parent=objective).exclude(cycle_id=objective.cycle_id)):
        child.parent = None
        save_versioned(child, expected_version=child.version, fields=["parent"])
        record(actor, "updated", child, {"parent": [objective.pk, None]})


def delete_objective(actor: "Membership", objective: Objective) -> None:
    """To the trash. The objectives aligned to it show as roots of the tree until it is restored."""
    _require_may_change(actor, objective)
    require_writable(objective.cycle)
    with transaction.atomic():
        soft_delete(actor, objective)
        refresh_cycle(objective.cycle_id)
