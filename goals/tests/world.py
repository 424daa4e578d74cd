"""The goals module's part of the test cast.

acme: the active `cycle` (the quarter around today) and a `closed_cycle` (last year); the
company objective `objective` (owned by the owner) with the key result `key_result` (number,
100 → 200, owned by the member) linked to the projects world's `item`; the team objective
`child_objective` (owned by the member) aligned to it, with `child_key_result` (churn 8 % → 5 %).
other: `other_cycle`, `other_objective` and `other_key_result`."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from goals.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleStatus,
    KeyResult,
    KeyResultLink,
    LinkKind,
    Metric,
    Objective,
    ObjectiveLevel,
)
from goals.services.tree import refresh_cycle


def quarter_around(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = day.replace(month=first_month, day=1)
    end = (start + datetime.timedelta(days=95)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def extend(world: Any) -> None:
    acme, other = world.acme, world.other
    start, end = quarter_around(timezone.localdate())
    cycle = Cycle.objects.create(
        workspace=acme, name="This quarter", start_date=start, end_date=end, status=CycleStatus.ACTIVE
    )
    closed = Cycle.objects.create(
        workspace=acme,
        name="Last year",
        kind="year",
        start_date=start.replace(year=start.year - 1, month=1, day=1),
        end_date=start.replace(year=start.year - 1, month=12, day=31),
        status=CycleStatus.CLOSED,
    )
    objective = Objective.objects.create(
        workspace=acme,
        cycle=cycle,
        title="Reach 10,000 paying teams by the end of the quarter",
        level=ObjectiveLevel.COMPANY,
        owner=world.users["owner"],
    )
    key_result = KeyResult.objects.create(
        workspace=acme,
        objective=objective,
        title="Weekly active teams from 100 to 200",
        metric=Metric.NUMBER,
        start_value=Decimal(100),
        target_value=Decimal(200),
        current_value=Decimal(150),
        progress=50.0,
        owner=world.users["member"],
        due_date=end,
    )
    CheckIn.objects.create(
        workspace=acme,
        key_result=key_result,
        value=Decimal(150),
        progress=50.0,
        confidence=Confidence.ON_TRACK,
        note="Half way",
        author=world.users["member"],
    )
    KeyResultLink.objects.create(
        workspace=acme, key_result=key_result, kind=LinkKind.WORK_ITEM, work_item=world.extra["item"]
    )
    child = Objective.objects.create(
        workspace=acme,
        cycle=cycle,
        title="Cut churn to 5% by the end of the quarter",
        level=ObjectiveLevel.TEAM,
        team=world.team,
        owner=world.users["member"],
        parent=objective,
    )
    child_key_result = KeyResult.objects.create(
        workspace=acme,
        objective=child,
        title="Monthly churn from 8% to 5%",
        metric=Metric.PERCENTAGE,
        start_value=Decimal(8),
        target_value=Decimal(5),
        current_value=Decimal(8),
        unit="%",
        owner=world.users["member"],
        due_date=end,
    )
    refresh_cycle(cycle.pk)
    other_cycle = Cycle.objects.create(
        workspace=other, name="Hidden quarter", start_date=start, end_date=end, status=CycleStatus.ACTIVE
    )
    other_objective = Objective.objects.create(
        workspace=other,
        cycle=other_cycle,
        title="Hidden objective",
        level=ObjectiveLevel.COMPANY,
        owner=world.users["outsider_owner"],
    )
    other_key_result = KeyResult.objects.create(
        workspace=other,
        objective=other_objective,
        title="Hidden key result",
        start_value=Decimal(0),
        target_value=Decimal(10),
        owner=world.users["outsider_owner"],
        due_date=end,
    )
    world.extra.update(
        cycle=cycle,
        closed_cycle=closed,
        objective=Objective.objects.get(pk=objective.pk),
        key_result=key_result,
        child_objective=Objective.objects.get(pk=child.pk),
        child_key_result=child_key_result,
        other_cycle=other_cycle,
        other_objective=other_objective,
        other_key_result=other_key_result,
    )
