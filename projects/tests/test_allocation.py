"""Resource allocation, checked against numbers worked out by hand.

The weeks of January 2030: Monday 7th, 14th and 21st. `today` is Wednesday the 9th.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from projects import services
from projects.models import Category, ProjectMember, WorkItem
from projects.queries.allocation import allocation_for, monday_of, over_allocated_next_week, spread, working_days
from projects.services import items

D = datetime.date
TODAY = D(2030, 1, 9)  # a Wednesday
WEEK1, WEEK2, WEEK3 = D(2030, 1, 7), D(2030, 1, 14), D(2030, 1, 21)


def test_working_days_skip_the_weekend() -> None:
    assert working_days(D(2030, 1, 10), D(2030, 1, 16)) == [
        D(2030, 1, 10),
        D(2030, 1, 11),
        D(2030, 1, 14),
        D(2030, 1, 15),
        D(2030, 1, 16),
    ]
    assert working_days(D(2030, 1, 12), D(2030, 1, 13)) == []
    assert monday_of(D(2030, 1, 13)) == WEEK1 and monday_of(WEEK2) == WEEK2


def test_spread_over_the_span_or_its_defaults() -> None:
    # Thursday to next Wednesday: 5 working days, 10 hours → 2 a day.
    assert spread(Decimal(10), D(2030, 1, 10), D(2030, 1, 16), TODAY) == dict.fromkeys(
        working_days(D(2030, 1, 10), D(2030, 1, 16)), Decimal(2)
    )
    # No dates: from today (Wed 9th) to a week later (Wed 16th): 6 working days.
    days = spread(Decimal(12), None, None, TODAY)
    assert sorted(days) == working_days(D(2030, 1, 9), D(2030, 1, 16)) and set(days.values()) == {Decimal(2)}
    # A weekend-only span: everything on the Monday after.
    assert spread(Decimal(8), D(2030, 1, 12), D(2030, 1, 13), TODAY) == {D(2030, 1, 14): Decimal(8)}
    # Overdue, with no start date: from today, which is after the due date → today.
    assert spread(Decimal(3), None, D(2030, 1, 2), TODAY) == {TODAY: Decimal(3)}


@pytest.fixture
def web(world: Any) -> Any:
    return world.extra["project"]


def item(
    world: Any, project: Any, owner: str, estimate: Any, start: Any = None, due: Any = None, **extra: Any
) -> WorkItem:
    created = items.create_item(
        world.actor("owner"),
        project,
        title=f"{owner} {estimate}",
        owner_id=world.users[owner].pk,
        estimate_hours=estimate,
        start_date=start,
        due_date=due,
    )
    if extra:
        WorkItem.objects.filter(pk=created.pk).update(**extra)
    return created


def hours(rows: list[Any], name: str) -> list[Decimal]:
    return next([w.allocated for w in r.weeks] for r in rows if r.name == name)


def test_allocation_by_hand(world: Any, web: Any, django_assert_num_queries: Any) -> None:
    owner = world.actor("owner")
    carol = ProjectMember.objects.get(project=web, user=world.users["member"])
    services.update_project_member(owner, web, carol, version=carol.version, weekly_hours=Decimal(10))
    # carol: 20 h estimated, 5 logged → 15 over Mon 7th–Fri 11th: 15 in week 1.
    item(world, web, "member", 20, D(2030, 1, 7), D(2030, 1, 11), logged_hours=5)
    # carol: 10 h from Thu 10th to Wed 16th (5 working days, 2 a day): 4 in week 1, 6 in week 2.
    item(world, web, "member", 10, D(2030, 1, 10), D(2030, 1, 16))
    # carol: 12 h without dates: today (Wed 9th) to Wed 16th, 6 working days: 6 and 6.
    item(world, web, "member", 12)
    # erin: 8 h over a weekend → Monday 14th: week 2. And 30 h in week 3 (Mon 21st–Fri 25th).
    item(world, web, "extra", 8, D(2030, 1, 12), D(2030, 1, 13))
    item(world, web, "extra", 30, D(2030, 1, 21), D(2030, 1, 25))
    # Not counted: done, no estimate, more logged than estimated, after the horizon, not a member.
    item(world, web, "member", 40, D(2030, 1, 7), D(2030, 1, 11), category=Category.DONE)
    item(world, web, "member", None, D(2030, 1, 7), D(2030, 1, 11))
    item(world, web, "member", 5, D(2030, 1, 7), D(2030, 1, 11), logged_hours=9)
    item(world, web, "member", 50, D(2030, 2, 4), D(2030, 2, 8))
    item(world, web, "admin", 50, D(2030, 1, 7), D(2030, 1, 11))

    with django_assert_num_queries(2):
        rows = allocation_for(web, start=D(2030, 1, 10), weeks=3, today=TODAY)
    assert [r.name for r in rows] == ["Alice", "Carol", "Erin", "Gina"]
    assert [w.start for w in rows[0].weeks] == [WEEK1, WEEK2, WEEK3]
    assert hours(rows, "Carol") == [Decimal("25.0"), Decimal("12.0"), Decimal("0.0")]
    assert hours(rows, "Erin") == [Decimal("0.0"), Decimal("8.0"), Decimal("30.0")]
    assert hours(rows, "Alice") == [Decimal("0.0")] * 3

    carol_row = next(r for r in rows if r.name == "Carol")
    assert carol_row.capacity == 10
    assert [w.over for w in carol_row.weeks] == [True, True, False]
    assert carol_row.over_weeks == 2
    erin_row = next(r for r in rows if r.name == "Erin")
    assert [w.over for w in erin_row.weeks] == [False, False, False]  # 30 of 40 hours

    # Exactly at capacity is not over.
    erin = ProjectMember.objects.get(project=web, user=world.users["extra"])
    services.update_project_member(owner, web, erin, version=erin.version, weekly_hours=Decimal(30))
    rows = allocation_for(web, start=WEEK3, weeks=1, today=TODAY)
    assert next(r for r in rows if r.name == "Erin").weeks[0].over is False

    # The project page's summary: next week (from Wed 9th) is the week of the 14th: carol only.
    assert over_allocated_next_week(web, TODAY) == 1


def test_thirds_add_up(world: Any, web: Any) -> None:
    # 10 h over 3 working days (Mon–Wed): 3.33… a day, 10.0 in the week, not 9.9.
    item(world, web, "member", 10, D(2030, 1, 7), D(2030, 1, 9))
    rows = allocation_for(web, start=WEEK1, weeks=1, today=TODAY)
    assert hours(rows, "Carol") == [Decimal("10.0")]


def test_queries_do_not_grow_with_items(world: Any, web: Any, django_assert_num_queries: Any) -> None:
    for i in range(20):
        item(
            world, web, "member" if i % 2 else "extra", 3 + i, D(2030, 1, 7), D(2030, 1, 7) + datetime.timedelta(days=i)
        )
    with django_assert_num_queries(2):
        rows = allocation_for(web, start=WEEK1, weeks=6, today=TODAY)
    assert len(rows[0].weeks) == 6
