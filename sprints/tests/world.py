"""The sprints of the test cast.

MOB (acme; alice manages, carol and erin work, gina views): the active `sprint` with one item of
carol's and an action `note`, and the planned `next_sprint`. WEB keeps its items out of sprints and
gets one planned sprint, `startable_sprint` (WEB has no active sprint). SEC (the other workspace):
`other_sprint` and `other_note`."""

import datetime
from typing import Any

from projects import services as projects
from projects.models import ProjectRole
from projects.services import items
from sprints import services
from sprints.models import RetroColumn

START = datetime.date(2030, 3, 4)
TWO_WEEKS = datetime.timedelta(days=13)


def extend(world: Any) -> None:
    owner, other_owner = world.members["owner"], world.members["outsider_owner"]
    carol = world.users["member"]

    mobile = projects.create_project(owner, name="Mobile", key="MOB")
    for role, project_role in (
        ("member", ProjectRole.MEMBER),
        ("extra", ProjectRole.MEMBER),
        ("guest", ProjectRole.VIEWER),
    ):
        projects.add_project_member(owner, mobile, user_id=world.users[role].pk, role=project_role)
    sprint = services.create_sprint(owner, mobile, name="Sprint 1", start_date=START, end_date=START + TWO_WEEKS)
    services.start_sprint(owner, sprint)
    sprint_item = items.create_item(
        owner, mobile, title="Offline mode", owner_id=carol.pk, sprint_id=sprint.pk, points=3, estimate_hours=6
    )
    next_start = START + datetime.timedelta(days=14)
    next_sprint = services.create_sprint(
        owner, mobile, name="Sprint 2", start_date=next_start, end_date=next_start + TWO_WEEKS
    )
    note = services.add_note(owner, sprint, column=RetroColumn.ACTION, text="Pair on reviews")

    startable = services.create_sprint(
        owner, world.extra["project"], name="Web 1", start_date=START, end_date=START + TWO_WEEKS
    )

    other_sprint = services.create_sprint(
        other_owner, world.extra["other_project"], name="Hidden sprint", start_date=START, end_date=START + TWO_WEEKS
    )
    other_note = services.add_note(other_owner, other_sprint, column=RetroColumn.ACTION, text="Hidden action")
    world.extra.update(
        mobile=mobile,
        sprint=sprint,
        sprint_item=sprint_item,
        next_sprint=next_sprint,
        note=note,
        startable_sprint=startable,
        other_sprint=other_sprint,
        other_note=other_note,
    )
