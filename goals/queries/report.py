"""The cycle report (周期报告): how the cycle's objectives stand, per level and per department —
how many objectives and key results, their average progress and score, the key results by
confidence, and the objectives nobody has checked in on; with CSV and XLSX exports whose cells
cannot run as formulas (SECURITY.md rule 8, written by core.export).

Which department an objective counts for: a department-level objective its own; a company
objective the whole company's; any other its owner's (their membership's department), else none.
A constant number of queries however many objectives the cycle holds."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from accounts.models import Department, Membership
from core import export as files
from goals import progress
from goals.models import CheckIn, Confidence, Cycle, KeyResult, Objective, ObjectiveLevel
from goals.queries.review import get_cycle

if TYPE_CHECKING:
    from accounts.models import Membership as Actor

NO_CONFIDENCE = "none"


@dataclass
class Group:
    """One row of the report: the objectives of a level or of a department."""

    key: str
    label: str
    objectives: int = 0
    key_results: int = 0
    progress_total: float = 0.0
    progress_count: int = 0
    score_total: Decimal = Decimal(0)
    score_count: int = 0
    confidence: dict[str, int] = field(default_factory=lambda: dict.fromkeys([*Confidence.values, NO_CONFIDENCE], 0))
    without_check_ins: int = 0

    @property
    def average_progress(self) -> float | None:
        return round(self.progress_total / self.progress_count, 1) if self.progress_count else None

    @property
    def average_score(self) -> Decimal | None:
        if not self.score_count:
            return None
        return (self.score_total / self.score_count).quantize(progress.TWO_PLACES)

    def add(self, objective: Objective, results: list[KeyResult]) -> None:
        self.objectives += 1
        self.key_results += len(results)
        if objective.progress is not None:
            self.progress_total += objective.progress
            self.progress_count += 1
        score = objective.report_score  # type: ignore[attr-defined]
        if score is not None:
            self.score_total += score
            self.score_count += 1
        for key_result in results:
            self.confidence[key_result.confidence or NO_CONFIDENCE] += 1
        if not any(kr.checked_in for kr in results):  # type: ignore[attr-defined]
            self.without_check_ins += 1


@dataclass
class Report:
    cycle: Cycle
    total: Group
    levels: list[Group]
    departments: list[Group]
    without_check_ins: list[Objective]


def cycle_report(actor: "Actor", cycle_id: int) -> Report:
    """The report of the cycle (another workspace's: NotFound). Six queries."""
    cycle = get_cycle(actor, cycle_id)
    objectives = list(
        Objective.objects.filter(cycle=cycle).select_related("owner", "department").order_by("level", "position", "id")
    )
    results: dict[int, list[KeyResult]] = {o.pk: [] for o in objectives}
    checked = set(
        CheckIn.objects.filter(key_result__objective__cycle=cycle, key_result__deleted_at__isnull=True)
        .values_list("key_result_id", flat=True)
        .distinct()
    )
    for key_result in KeyResult.objects.filter(objective_id__in=list(results)).order_by("position", "id"):
        key_result.checked_in = key_result.last_check_in_at is not None or key_result.pk in checked
        results[key_result.objective_id].append(key_result)
    owner_ids = {o.owner_id for o in objectives}
    departments_of_owners = dict(
        Membership.objects.filter(workspace_id=actor.workspace_id, user_id__in=owner_ids)
        .exclude(department__isnull=True)
        .values_list("user_id", "department_id")
    )
    names = dict(
        Department.all_objects.filter(
            workspace_id=actor.workspace_id, pk__in=set(departments_of_owners.values())
        ).values_list("pk", "name")
    )

    total = Group("all", _("All objectives"))
    levels = {level.value: Group(level.value, str(level.label)) for level in ObjectiveLevel}
    departments: dict[str, Group] = {}
    missing: list[Objective] = []
    for objective in objectives:
        mine = results[objective.pk]
        objective.report_score = (  # type: ignore[attr-defined]
            objective.score if objective.score is not None else progress.objective_score(mine)
        )
        if objective.level == ObjectiveLevel.COMPANY:
            key, label = "company", _("Whole company")
        elif objective.level == ObjectiveLevel.DEPARTMENT and objective.department is not None:
            key, label = f"department-{objective.department_id}", objective.department.name
        elif objective.owner_id in departments_of_owners:
            department_id = departments_of_owners[objective.owner_id]
            key, label = f"department-{department_id}", names.get(department_id, f"#{department_id}")
        else:
            key, label = "none", _("No department")
        group = departments.setdefault(key, Group(key, label))
        for row in (total, levels[objective.level], group):
            row.add(objective, mine)
        if not any(kr.checked_in for kr in mine):  # type: ignore[attr-defined]
            missing.append(objective)
    order = {"company": (0, ""), "none": (2, "")}
    return Report(
        cycle=cycle,
        total=total,
        levels=[levels[level.value] for level in ObjectiveLevel],
        departments=sorted(departments.values(), key=lambda g: order.get(g.key, (1, g.label.casefold()))),
        without_check_ins=missing,
    )


# --- Exports -------------------------------------------------------------------------------------


def headers() -> list[str]:
    return [
        _("Group"),
        _("Name"),
        _("Objectives"),
        _("Key results"),
        _("Average progress (%)"),
        _("Average score"),
        str(Confidence.ON_TRACK.label),
        str(Confidence.AT_RISK.label),
        str(Confidence.OFF_TRACK.label),
        _("No check-in yet"),
        _("Objectives without check-ins"),
    ]


def table(report: Report) -> list[list[Any]]:
    """The report's rows: the total, each level, each department; text cells made safe."""
    rows = []
    for kind, groups in (
        (_("Total"), [report.total]),
        (_("Level"), report.levels),
        (_("Department"), report.departments),
    ):
        for group in groups:
            rows.append(
                [
                    kind,
                    group.label,
                    group.objectives,
                    group.key_results,
                    group.average_progress,
                    group.average_score,
                    group.confidence[Confidence.ON_TRACK],
                    group.confidence[Confidence.AT_RISK],
                    group.confidence[Confidence.OFF_TRACK],
                    group.confidence[NO_CONFIDENCE],
                    group.without_check_ins,
                ]
            )
    return rows


def export(actor: "Actor", cycle_id: int, kind: str) -> tuple[bytes, str, str]:
    """The report as a file: (bytes, content type, file name)."""
    kind = files.check_format(kind)
    report = cycle_report(actor, cycle_id)
    name = f"okr-report-{report.cycle.start_date.isoformat()}.{kind}"
    if kind == "csv":
        return files.csv_bytes(headers(), table(report)), files.CSV_TYPE, name
    return files.xlsx_bytes(_("OKR report"), headers(), table(report)), files.XLSX_TYPE, name
