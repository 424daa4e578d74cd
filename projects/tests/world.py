"""The projects of the test cast: WEB in acme (alice manages, carol works, gina views) and SEC in
the other workspace, each with a milestone and an item."""

import datetime
from typing import Any

from projects import services
from projects.models import ProjectRole
from projects.services import items


def extend(world: Any) -> None:
    owner, other_owner = world.members["owner"], world.members["outsider_owner"]
    project = services.create_project(owner, name="Website", key="WEB")
    services.add_project_member(owner, project, user_id=world.users["member"].pk, role=ProjectRole.MEMBER)
    services.add_project_member(owner, project, user_id=world.users["guest"].pk, role=ProjectRole.VIEWER)
    services.add_project_member(owner, project, user_id=world.users["extra"].pk, role=ProjectRole.MEMBER)
    milestone = services.create_milestone(owner, project, name="Beta", due_date=datetime.date(2030, 1, 1))
    item = items.create_item(owner, project, title="Sign-up page", owner_id=world.users["member"].pk)
    blocker = items.create_item(owner, project, title="Design tokens")
    blocked = items.create_item(owner, project, title="Launch")
    items.add_dependency(owner, blocker, blocked)
    field = services.create_field(owner, project, name="Platform", kind="select", options=["iOS", "Android"])
    view = items.save_view(
        world.members["member"], project, name="Mine", query={"owner": world.users["member"].pk}, shared=True
    )
    ops = services.create_project(owner, name="Operations", key="OPS", template="kanban")
    services.add_project_member(owner, ops, user_id=world.users["member"].pk, role=ProjectRole.MEMBER)
    other = services.create_project(other_owner, name="Secret", key="SEC")
    other_milestone = services.create_milestone(other_owner, other, name="Hidden", due_date=datetime.date(2030, 1, 1))
    other_item = items.create_item(other_owner, other, title="Hidden item")
    world.extra.update(
        project=project,
        milestone=milestone,
        item=item,
        blocker=blocker,
        blocked=blocked,
        field=field,
        view=view,
        ops=ops,
        other_project=other,
        other_milestone=other_milestone,
        other_item=other_item,
    )
