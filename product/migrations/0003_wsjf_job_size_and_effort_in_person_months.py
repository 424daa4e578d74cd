"""WSJF gets a job size of its own and its inputs move to SAFe's relative scale 1, 2, 3, 5, 8, 13, 20;
RICE's effort moves from person-weeks to person-months, as the method defines it.

What happens to the data, forward:
- effort: person-weeks × 12 ÷ 52, to two decimal places (so 1 week is 0.23); the round trip back
  gives the same weeks, to their one decimal place;
- user value, time criticality, risk reduction (1–10 before): each goes to the nearest step of the
  scale, halfway up (1, 2, 3, 5, 8 stay; 4 → 5, 6 → 5, 7 → 8, 9 → 8, 10 → 8);
- job size: WSJF divided by the effort in person-weeks, so that effort, taken to its nearest step
  (at least 1, at most 20), becomes the job size, and WSJF rankings stay close to what they were;
- the stored ranking score is recomputed by the new rules.
Backward: months back to weeks (one decimal place, at least 0.1, at most 99999.9), steps above 10
are 10, the job size is dropped, and scores are recomputed by the old rules (WSJF ÷ effort)."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import migrations, models

from core.errors import ValidationFailed
from product import scoring

WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
OLD_RELATIVE_FIELDS = ("user_value", "time_criticality", "risk_reduction")


def months_from_weeks(weeks: Decimal) -> Decimal:
    return (weeks / WEEKS_PER_MONTH).quantize(Decimal("0.01"), ROUND_HALF_UP)


def weeks_from_months(months: Decimal) -> Decimal:
    weeks = (months * WEEKS_PER_MONTH).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if months > 0:
        weeks = max(weeks, Decimal("0.1"))
    return min(weeks, Decimal("99999.9"))


def nearest_step(value: Decimal | int) -> int:
    """The step of the relative scale nearest to `value`; halfway goes up."""
    return min(scoring.RELATIVE_SCALE, key=lambda step: (abs(Decimal(step) - Decimal(value)), -step))


def _score(settings: dict[int, tuple[str, Decimal]], requirement: Any, inputs: dict[str, Any]) -> float | None:
    model, weight = settings.get(requirement.workspace_id, ("rice", Decimal(0)))
    try:
        return scoring.ranking_score(model, inputs, customers=requirement.customer_count, weight=weight)
    except ValidationFailed:  # a zero effort, which the services never let in
        return None


def _convert(apps: Any, forward: bool) -> None:
    Requirement = apps.get_model("product", "Requirement")
    ProductSettings = apps.get_model("product", "ProductSettings")
    settings = {s.workspace_id: (s.scoring_model, s.demand_weight) for s in ProductSettings.objects.all()}
    names = ("effort", *OLD_RELATIVE_FIELDS, "job_size", "score")
    batch = []
    for requirement in Requirement._base_manager.order_by("pk").iterator(chunk_size=1000):
        effort = requirement.effort
        for name in OLD_RELATIVE_FIELDS:
            value = getattr(requirement, name)
            if value is not None:
                setattr(requirement, name, nearest_step(value) if forward else min(value, 10))
        if forward:
            requirement.job_size = None if effort is None else nearest_step(effort)
            requirement.effort = None if effort is None else months_from_weeks(effort)
        else:
            requirement.job_size = None
            requirement.effort = None if effort is None else weeks_from_months(effort)
        inputs = {name: getattr(requirement, name) for name in (*scoring.RANGES, *scoring.RELATIVE_FIELDS)}
        inputs |= {"effort": requirement.effort, "impact": requirement.impact}
        inputs |= {"moscow": requirement.moscow, "kano": requirement.kano}
        if not forward:
            inputs["job_size"] = requirement.effort  # the old WSJF divided by the effort in weeks
        requirement.score = _score(settings, requirement, inputs)
        batch.append(requirement)
        if len(batch) == 500:
            Requirement._base_manager.bulk_update(batch, names)
            batch = []
    Requirement._base_manager.bulk_update(batch, names)


# On SQLite, altering a column rebuilds the table and keeps only the indexes Django knows of:
# requirement_score (migration 0002, written in SQL) is dropped around the rebuild and made again.
SCORE_INDEX = "CREATE INDEX requirement_score ON product_requirement (workspace_id, score DESC, rank, id)"


def drop_score_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS requirement_score")


def create_score_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SCORE_INDEX)


def forward(apps: Any, schema_editor: Any) -> None:
    _convert(apps, forward=True)


def backward(apps: Any, schema_editor: Any) -> None:
    _convert(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("product", "0002_requirement_score_index"),
    ]

    operations = [
        migrations.RunPython(drop_score_index, create_score_index),
        migrations.AddField(
            model_name="requirement",
            name="job_size",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="job size"),
        ),
        migrations.AlterField(
            model_name="requirement",
            name="effort",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=7, null=True, verbose_name="effort"),
        ),
        migrations.RunPython(create_score_index, drop_score_index),
        migrations.RunPython(forward, backward),
    ]
