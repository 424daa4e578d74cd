"""The demo workspace's projects and sprints: `cadence demo` builds them through the services, with a
history that makes the charts, My work and the boards show something."""

import datetime
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from accounts.models import User, Workspace
from accounts.queries import membership_for
from projects import queries
from projects.models import Category, Dependency, ItemType, WorkItem
from sprints import queries as sprint_queries
from sprints.models import RetroNote, Sprint, SprintStatus


def test_demo_builds_projects_items_and_sprint_history(db: Any) -> None:
    call_command("demo")
    workspace = Workspace.objects.get(slug="demo")
    demo_user = User.objects.get(email="demo@cadence.local")
    actor = membership_for(demo_user, workspace.slug)
    app, web = queries.get_project(actor, "APP"), queries.get_project(actor, "WEB")
    assert (app.template, web.template) == ("scrum", "kanban")
    assert app.background and app.goals and app.milestones.count() >= 2 and app.custom_fields.count() == 2

    items = WorkItem.objects.filter(workspace=workspace)
    assert 40 <= items.count() <= 80
    assert set(items.values_list("type", flat=True)) == set(ItemType.values)
    for project in (app, web):
        numbers = sorted(items.filter(project=project).values_list("number", flat=True))
        project.refresh_from_db()
        assert numbers == list(range(1, len(numbers) + 1)) and project.next_number == len(numbers) + 1
    assert items.filter(parent__type="story", type="subtask").exists()
    assert items.filter(parent__type="epic").exists()
    assert Dependency.objects.filter(workspace=workspace).count() >= 3
    assert not items.filter(category=Category.DONE, done_at__isnull=True).exists()
    assert not items.exclude(category=Category.DONE).filter(done_at__isnull=False).exists()

    # My work: open items of the demo user, some overdue and some due soon.
    today = timezone.localdate()
    mine = queries.my_work(actor)
    assert mine.count() >= 4
    assert mine.filter(due_date__lt=today).exists()
    assert mine.filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=3)).exists()

    sprints = Sprint.objects.filter(project=app)
    closed = list(sprints.filter(status=SprintStatus.CLOSED).order_by("start_date"))
    assert len(closed) == 3
    assert sprints.filter(status=SprintStatus.ACTIVE).count() == 1
    assert sprints.filter(status=SprintStatus.PLANNED).count() == 1
    done_days = set()
    for sprint in closed:
        assert sprint.committed_points and sprint.completed_points
        assert sprint.completed_points <= sprint.committed_points
        remaining = sprint.report["burndown"]["points"]["remaining"]
        assert len(remaining) == 14 and None not in remaining
        assert remaining[0] == float(sprint.committed_points)
        assert remaining[-1] == float(sprint.committed_points - sprint.completed_points)
        assert len(set(remaining)) >= 3  # work was done on different days
        done_days |= set(items.filter(sprint=sprint, category=Category.DONE).values_list("done_at__date", flat=True))
        assert sprint.closed_at is not None and sprint.closed_at.date() <= today
    assert len(done_days) >= 6
    velocity = sprint_queries.velocity(actor, app)
    assert [s.pk for s in velocity["sprints"]] == [s.pk for s in closed] and velocity["average"] > 0

    active = sprints.get(status=SprintStatus.ACTIVE)
    assert active.start_date < today < active.end_date
    assert items.filter(sprint=active, category=Category.DONE).exists()
    assert items.filter(sprint=active).exclude(category=Category.DONE).exists()
    assert active.capacities.count() >= 5
    active.project = app
    charts = sprint_queries.charts_for(actor, active)
    assert charts["burndown"]["points"]["remaining"][0] is not None
    assert RetroNote.objects.filter(sprint=closed[-1]).count() >= 6
    assert RetroNote.objects.filter(sprint=closed[-1], work_item__isnull=False).exists()
