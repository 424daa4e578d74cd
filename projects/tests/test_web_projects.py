"""The project pages in the browser's place: list, creation from each template, charter, health,
milestones, members, allocation, workflows and custom fields; who sees forms and who is refused;
a bounded number of queries."""

import datetime
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.models import User
from conftest import make_user
from projects import queries, services
from projects.models import (
    Category,
    CustomField,
    Health,
    Milestone,
    Project,
    ProjectMember,
    ProjectRole,
    State,
    Template,
    Workflow,
    WorkItem,
)
from projects.services import items

CHARTER = {
    "background": "Sign-ups are slow.",
    "goals": "Double sign-ups.",
    "scope_in": "Web sign-up",
    "scope_out": "Mobile",
    "target_users": "New customers",
    "deliverables": "A new sign-up flow",
    "success_criteria": "Conversion above 5%",
    "stakeholders": "Marketing",
}


def client_for(world: Any, role: str) -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")  # the messages the tests read
    client = Client()
    client.force_login(world.users[role])
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"projects:{name}", args=["acme", *args])


def text(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def web(world: Any) -> Project:
    return world.extra["project"]


# --- List and creation ---------------------------------------------------------------------------


def test_list_shows_the_workspace_projects_with_health_and_open_items(world: Any) -> None:
    response = client_for(world, "member").get(url("list"))
    assert response.status_code == 200
    page = text(response)
    assert "Website" in page and "WEB" in page
    assert "Secret" not in page
    rows = {project.key: (project, health) for project, health in response.context["rows"]}
    project, health = rows["WEB"]
    assert project.open_count == WorkItem.objects.filter(project=project).exclude(category=Category.DONE).count()
    assert health["value"] == Health.AT_RISK and not health["overridden"]  # one item is blocked
    assert "At risk" in page
    assert url("new") in page


@pytest.mark.parametrize(
    ("template", "states"),
    [
        (Template.SCRUM, ["To do", "In progress", "In review", "Done", "Open", "Closed"]),
        (Template.KANBAN, ["Backlog", "Ready", "Doing", "Review", "Done"]),
        (Template.BUGS, ["Open", "Confirmed", "Fixing", "Verifying", "Closed"]),
    ],
)
def test_create_a_project_from_each_template(world: Any, template: str, states: list[str]) -> None:
    client = client_for(world, "member")
    form = client.get(url("new"))
    assert form.status_code == 200
    assert "Work-in-progress limits" in text(form) or "work-in-progress limits" in text(form)
    data = {
        "name": "Launch",
        "key": "LAUNCH",
        "template": template,
        "start_date": "2030-01-01",
        "target_date": "2030-06-30",
        **CHARTER,
    }
    response = client.post(url("new"), data)
    assert response.status_code == 302
    assert response["Location"] == url("project", "LAUNCH")
    project = Project.objects.get(workspace=world.acme, key="LAUNCH")
    assert project.template == template
    assert project.target_date == datetime.date(2030, 6, 30)
    assert project.success_criteria == "Conversion above 5%"
    assert ProjectMember.objects.get(project=project).role == ProjectRole.MANAGER
    page = text(client.get(url("project", "LAUNCH")))
    assert "Conversion above 5%" in page and "Marketing" in page
    workflows_page = text(client.get(url("workflows", "LAUNCH")))
    for name in states:
        assert name in workflows_page


def test_create_shows_service_errors_next_to_their_field(world: Any) -> None:
    client = client_for(world, "member")
    response = client.post(url("new"), {"name": "Again", "key": "WEB", "template": Template.SCRUM})
    assert response.status_code == 422
    assert response.context["form"].errors["key"] == ["Another project already uses this key."]
    response = client.post(
        url("new"),
        {
            "name": "Dates",
            "key": "DATES",
            "template": Template.SCRUM,
            "start_date": "2030-02-01",
            "target_date": "2030-01-01",
        },
    )
    assert response.status_code == 422
    assert "target_date" in response.context["form"].errors
    assert not Project.objects.filter(key="DATES").exists()


def test_guests_cannot_create_projects(world: Any) -> None:
    client = client_for(world, "guest")
    assert "Create project" not in text(client.get(url("new")))
    response = client.post(url("new"), {"name": "Nope", "key": "NOPE", "template": Template.SCRUM})
    assert response.status_code == 403
    assert not Project.objects.filter(key="NOPE").exists()


# --- The project page ----------------------------------------------------------------------------


def test_project_page_shows_everything_and_links_to_the_work(world: Any, web: Project) -> None:
    services.update_project(world.actor("owner"), web, version=web.version, goals="Ship it")
    response = client_for(world, "owner").get(url("project", "WEB"))
    assert response.status_code == 200
    page = text(response)
    assert "Ship it" in page
    assert "At risk" in page and "1 open item is blocked." in page
    assert "Beta" in page and "2030-01-01" in page
    assert "Carol" in page and "Viewer" in page
    for name in ("board", "timeline", "calendar", "items"):
        assert reverse(f"projects:{name}", args=["acme", "WEB"]) in page
    assert reverse("sprints:list", args=["acme", "WEB"]) in page
    assert reverse("core:comments", args=["acme", "project", web.pk]) in page
    assert 'name="health-reason"' in page and 'name="milestone-name"' in page


def test_charter_edit_and_a_stale_version_is_a_conflict(world: Any, web: Project) -> None:
    client = client_for(world, "owner")
    page = client.get(url("settings", "WEB"))
    assert page.status_code == 200
    version = page.context["form"]["version"].value()
    data = {"name": "Website 2", "status": "active", "version": version, **CHARTER}
    response = client.post(url("settings", "WEB"), data)
    assert response.status_code == 302
    web.refresh_from_db()
    assert web.name == "Website 2" and web.status == "active" and web.goals == "Double sign-ups."

    stale = client.post(url("settings", "WEB"), {**data, "name": "Website 3", "goals": "Other"})
    assert stale.status_code == 409
    assert 'id="conflict"' in text(stale)
    assert "Website 2" in text(stale)  # the current state is shown
    web.refresh_from_db()
    assert web.name == "Website 2"
    # Saving again applies the change over the current version.
    again = client.post(url("settings", "WEB"), {**data, "name": "Website 3", "version": web.version})
    assert again.status_code == 302
    web.refresh_from_db()
    assert web.name == "Website 3"


def test_health_override_needs_a_reason_and_can_be_cleared(world: Any, web: Project) -> None:
    client = client_for(world, "owner")
    response = client.post(url("health", "WEB"), {"health-health": Health.AT_RISK, "health-reason": ""})
    assert response.status_code == 422
    assert response.context["health_form"].errors["reason"] == ["This field is required."]
    web.refresh_from_db()
    assert web.health_override == ""

    response = client.post(url("health", "WEB"), {"health-health": Health.OFF_TRACK, "health-reason": "Vendor left"})
    assert response.status_code == 302
    page = text(client.get(url("project", "WEB")))
    assert "Off track" in page and "Vendor left" in page and "set by hand" in page
    assert "Off track" in text(client.get(url("list")))

    response = client.post(url("health", "WEB"), {"clear": "1"})
    assert response.status_code == 302
    web.refresh_from_db()
    assert web.health_override == "" and web.health_reason == ""


def test_milestones_add_edit_mark_done_delete(world: Any, web: Project) -> None:
    client = client_for(world, "owner")
    response = client.post(url("milestone-add", "WEB"), {"milestone-name": "", "milestone-due_date": ""})
    assert response.status_code == 422
    response = client.post(url("milestone-add", "WEB"), {"milestone-name": "GA", "milestone-due_date": "2030-03-01"})
    assert response.status_code == 302
    milestone = Milestone.objects.get(project=web, name="GA")
    assert milestone.due_date == datetime.date(2030, 3, 1)

    prefix = f"m{milestone.pk}"
    data = {f"{prefix}-due_date": "2030-04-01", f"{prefix}-version": milestone.version}
    assert client.post(url("milestone", "WEB", milestone.pk), data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.due_date == datetime.date(2030, 4, 1) and not milestone.done
    # A second save at the old version is a conflict, shown in the row.
    stale = client.post(url("milestone", "WEB", milestone.pk), data)
    assert stale.status_code == 409 and "Someone else changed this milestone" in text(stale)

    assert client.post(url("milestone", "WEB", milestone.pk), {"mark_done": "1"}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done

    assert client.post(url("milestone-delete", "WEB", milestone.pk)).status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    # Another project's milestone is not reachable through this project.
    other = world.extra["other_milestone"]
    assert client.post(url("milestone-delete", "WEB", other.pk)).status_code == 404


def test_members_add_change_remove(world: Any, web: Project) -> None:
    client = client_for(world, "owner")
    page = client.get(url("members", "WEB"))
    assert page.status_code == 200
    choices = dict(page.context["add_form"].fields["user_id"].choices)
    bob = world.users["admin"]
    assert bob.pk in choices and world.users["member"].pk not in choices
    response = client.post(
        url("members", "WEB"), {"add-user_id": bob.pk, "add-role": "member", "add-weekly_hours": "20"}
    )
    assert response.status_code == 302
    member = ProjectMember.objects.get(project=web, user=bob)
    assert member.weekly_hours == 20

    # Someone outside the workspace cannot be added.
    outsider = world.users["outsider"]
    response = client.post(
        url("members", "WEB"), {"add-user_id": outsider.pk, "add-role": "member", "add-weekly_hours": "5"}
    )
    assert response.status_code == 422

    prefix = f"pm{member.pk}"
    data = {f"{prefix}-role": "manager", f"{prefix}-weekly_hours": "32", f"{prefix}-version": member.version}
    assert client.post(url("member", "WEB", member.pk), data).status_code == 302
    member.refresh_from_db()
    assert member.role == ProjectRole.MANAGER and member.weekly_hours == 32
    bad = {**data, f"{prefix}-weekly_hours": "200", f"{prefix}-version": member.version}
    assert client.post(url("member", "WEB", member.pk), bad).status_code == 422

    assert client.post(url("member-remove", "WEB", member.pk)).status_code == 302
    assert not ProjectMember.objects.filter(pk=member.pk).exists()

    # The last manager stays.
    alice = ProjectMember.objects.get(project=web, user=world.users["owner"])
    response = client.post(url("member-remove", "WEB", alice.pk), follow=True)
    assert "at least one manager" in text(response)
    assert ProjectMember.objects.filter(pk=alice.pk).exists()


def test_allocation_page_marks_over_allocated_weeks(world: Any, web: Project) -> None:
    owner = world.actor("owner")
    carol = ProjectMember.objects.get(project=web, user=world.users["member"])
    services.update_project_member(owner, web, carol, version=carol.version, weekly_hours=10)
    monday = datetime.date(2030, 1, 7)
    items.create_item(
        owner,
        web,
        title="Big",
        owner_id=carol.user_id,
        estimate_hours=50,
        start_date=monday,
        due_date=monday + datetime.timedelta(days=4),
    )
    response = client_for(world, "guest").get(url("allocation", "WEB"), {"start": "2030-01-09", "weeks": "2"})
    assert response.status_code == 200
    rows = {r.name: r for r in response.context["rows"]}
    assert rows["Carol"].weeks[0].allocated == 50 and rows["Carol"].weeks[0].over
    page = text(response)
    assert 'class="over"' in page and "over-allocated" in page
    assert "Week of 01-07" in page and "Week of 01-14" in page


def test_project_page_summarises_next_weeks_over_allocation(world: Any, web: Project) -> None:
    from projects.queries.allocation import monday_of

    owner = world.actor("owner")
    # "Next week" is the signed-in user's, in their time zone (not the machine's).
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(world.users["owner"].time_zone))
    next_monday = monday_of(today) + datetime.timedelta(weeks=1)
    for role in ("member", "extra"):
        items.create_item(
            owner,
            web,
            title=f"Heavy {role}",
            owner_id=world.users[role].pk,
            estimate_hours=100,
            start_date=next_monday,
            due_date=next_monday + datetime.timedelta(days=4),
        )
    page = text(client_for(world, "owner").get(url("project", "WEB")))
    assert "2 people over-allocated next week" in page


# --- Workflows -----------------------------------------------------------------------------------


def test_workflow_states_and_transitions(world: Any, web: Project) -> None:
    client = client_for(world, "owner")
    scrum = Workflow.objects.get(project=web, name="Scrum")
    page = client.get(url("workflows", "WEB"))
    assert page.status_code == 200
    assert "In review" in text(page) and 'name="pair"' in text(page)

    prefix = f"wf{scrum.pk}-new-state"
    data: dict[str, Any] = {
        f"{prefix}-name": "QA",
        f"{prefix}-category": Category.IN_PROGRESS,
        f"{prefix}-wip_limit": "3",
    }
    data[f"{prefix}-required_fields"] = ["estimate_hours"]
    assert client.post(url("state-add", "WEB", scrum.pk), data).status_code == 302
    qa = State.objects.get(workflow=scrum, name="QA")
    assert qa.wip_limit == 3 and qa.required_fields == ["estimate_hours"]

    edit = {f"st{qa.pk}-name": "Testing", f"st{qa.pk}-category": Category.IN_PROGRESS, f"st{qa.pk}-version": qa.version}
    assert client.post(url("state", "WEB", qa.pk), edit).status_code == 302
    qa.refresh_from_db()
    assert qa.name == "Testing" and qa.wip_limit is None and qa.required_fields == []
    empty = {**edit, f"st{qa.pk}-name": " ", f"st{qa.pk}-version": qa.version}
    assert client.post(url("state", "WEB", qa.pk), empty).status_code == 422

    states = list(State.objects.filter(workflow=scrum).order_by("position"))
    pairs = [f"{states[0].pk}-{states[1].pk}", f"{states[1].pk}-{states[-1].pk}"]
    assert client.post(url("transitions", "WEB", scrum.pk), {"pair": pairs}).status_code == 302
    assert set(scrum.transitions.values_list("source_id", "target_id")) == {
        (states[0].pk, states[1].pk),
        (states[1].pk, states[-1].pk),
    }
    bad = client.post(url("transitions", "WEB", scrum.pk), {"pair": [f"{states[0].pk}-{states[0].pk}"]})
    assert bad.status_code == 422


def test_removing_a_state_with_items_asks_where_they_go(world: Any, web: Project) -> None:
    client = client_for(world, "owner")
    item = world.extra["item"]
    todo = item.state
    other = State.objects.filter(workflow=todo.workflow).exclude(pk=todo.pk).first()
    assert other is not None
    page = text(client.get(url("workflows", "WEB")))
    assert f'name="rm{todo.pk}-move_to"' in page  # it holds items: the page asks up front

    response = client.post(url("state-remove", "WEB", todo.pk), {f"rm{todo.pk}-move_to": ""})
    assert response.status_code == 422
    assert "choose where they go" in text(response)
    assert State.objects.filter(pk=todo.pk).exists()

    response = client.post(url("state-remove", "WEB", todo.pk), {f"rm{todo.pk}-move_to": other.pk})
    assert response.status_code == 302
    assert not State.objects.filter(pk=todo.pk).exists()
    item = WorkItem.objects.get(pk=item.pk)
    assert item.state_id == other.pk and item.category == other.category


def test_a_workflow_for_types_no_workflow_covers(world: Any, web: Project) -> None:
    client = client_for(world, "owner")
    assert client.get(url("workflows", "WEB")).context["new_form"] is None  # every type is covered
    scrum = Workflow.objects.get(project=web, name="Scrum")
    kept = [t for t in scrum.item_types if t != "epic"]
    data = {f"wf{scrum.pk}-name": "Scrum", f"wf{scrum.pk}-item_types": kept, f"wf{scrum.pk}-version": scrum.version}
    assert client.post(url("workflow", "WEB", scrum.pk), data).status_code == 302
    page = client.get(url("workflows", "WEB"))
    assert [v for v, _label in page.context["new_form"].fields["item_types"].choices] == ["epic"]
    response = client.post(url("workflows", "WEB"), {"new-wf-name": "Epics", "new-wf-item_types": ["epic"]})
    assert response.status_code == 302
    epics = Workflow.objects.get(project=web, name="Epics")
    assert epics.item_types == ["epic"] and epics.states.count() == 3
    # A type already covered is not offered, and the service refuses it.
    response = client.post(url("workflows", "WEB"), {"new-wf-name": "Again", "new-wf-item_types": ["task"]})
    assert response.status_code == 422


# --- Custom fields -------------------------------------------------------------------------------


def test_custom_fields_add_edit_delete(world: Any, web: Project) -> None:
    client = client_for(world, "owner")
    assert client.get(url("fields", "WEB")).status_code == 200
    response = client.post(url("fields", "WEB"), {"field-name": "Browser", "field-kind": "select", "field-options": ""})
    assert response.status_code == 422
    assert response.context["add_form"].errors["options"] == ["A select field needs at least one option."]

    data = {"field-name": "Browser", "field-kind": "select", "field-options": "iOS\nAndroid\n\n"}
    assert client.post(url("fields", "WEB"), data).status_code == 302
    field = CustomField.objects.get(project=web, name="Browser")
    assert field.options == [{"id": 1, "label": "iOS"}, {"id": 2, "label": "Android"}]
    assert "Android" in text(client.get(url("fields", "WEB")))

    prefix = f"cf{field.pk}"
    edit = {f"{prefix}-name": "Platforms", f"{prefix}-options": "Android\nWeb", f"{prefix}-version": field.version}
    assert client.post(url("field", "WEB", field.pk), edit).status_code == 302
    field.refresh_from_db()
    assert field.name == "Platforms"
    assert field.options == [{"id": 2, "label": "Android"}, {"id": 3, "label": "Web"}]

    plain = {"field-name": "Notes", "field-kind": "text", "field-options": ""}
    assert client.post(url("fields", "WEB"), plain).status_code == 302
    assert client.post(url("field-delete", "WEB", field.pk)).status_code == 302
    assert not CustomField.objects.filter(pk=field.pk).exists()
    assert [f.name for f in queries.fields_of(web)] == ["Platform", "Notes"]


# --- Who sees what -------------------------------------------------------------------------------

MANAGE_MARKERS = (
    'name="health-health"',
    'name="milestone-name"',
    'name="add-user_id"',
    'name="pair"',
    'name="field-name"',
)
PAGES = ["project", "settings", "members", "allocation", "workflows", "fields"]


def _forms_on(client: Client, key: str) -> list[str]:
    found = []
    for name in PAGES:
        response = client.get(url(name, key))
        assert response.status_code == 200, name
        page = text(response)
        found += [marker for marker in MANAGE_MARKERS if marker in page]
        if 'name="version"' in page or "move_to" in page:
            found.append(name)
    return found


def _posts(world: Any, project: Project) -> list[tuple[str, dict[str, Any]]]:
    milestone = Milestone.objects.filter(project=project).first() or services.create_milestone(
        world.actor("owner"), project, name="M", due_date=datetime.date(2030, 1, 1)
    )
    member = ProjectMember.objects.filter(project=project).first()
    workflow = Workflow.objects.filter(project=project).first()
    state = State.objects.filter(workflow=workflow).last()
    field = services.create_field(world.actor("owner"), project, name="F", kind="text")
    assert member and workflow and state
    key = project.key
    return [
        (url("settings", key), {"name": "Hacked", "status": "active", "version": project.version}),
        (url("health", key), {"health-health": "off_track", "health-reason": "x"}),
        (url("health", key), {"clear": "1"}),
        (url("milestone-add", key), {"milestone-name": "X", "milestone-due_date": "2030-01-01"}),
        (url("milestone", key, milestone.pk), {"mark_done": "1"}),
        (url("milestone-delete", key, milestone.pk), {}),
        (url("members", key), {"add-user_id": world.users["admin"].pk, "add-role": "manager", "add-weekly_hours": "1"}),
        (
            url("member", key, member.pk),
            {
                f"pm{member.pk}-role": "viewer",
                f"pm{member.pk}-weekly_hours": "1",
                f"pm{member.pk}-version": member.version,
            },
        ),
        (url("member-remove", key, member.pk), {}),
        (url("workflows", key), {"new-wf-name": "X", "new-wf-item_types": ["epic"]}),
        (
            url("state-add", key, workflow.pk),
            {f"wf{workflow.pk}-new-state-name": "X", f"wf{workflow.pk}-new-state-category": "todo"},
        ),
        (
            url("state", key, state.pk),
            {f"st{state.pk}-name": "X", f"st{state.pk}-category": "todo", f"st{state.pk}-version": state.version},
        ),
        (url("state-remove", key, state.pk), {}),
        (url("transitions", key, workflow.pk), {}),
        (url("fields", key), {"field-name": "X", "field-kind": "text"}),
        (url("field", key, field.pk), {f"cf{field.pk}-name": "X", f"cf{field.pk}-version": field.version}),
        (url("field-delete", key, field.pk), {}),
        (url("delete", key), {}),
    ]


def _snapshot(project: Project) -> Any:
    project.refresh_from_db()
    return (
        project.name,
        project.health_override,
        project.version,
        sorted(ProjectMember.objects.filter(project=project).values_list("user_id", "role", "version")),
        sorted(Milestone.all_objects.filter(project=project).values_list("name", "done", "deleted_at")),
        sorted(State.objects.filter(workflow__project=project).values_list("name", "version")),
        Workflow.objects.filter(project=project).count(),
        sorted(CustomField.all_objects.filter(project=project).values_list("name", "deleted_at")),
    )


@pytest.mark.parametrize("role", ["guest", "member"])
def test_readers_see_no_forms_and_their_posts_are_refused(world: Any, role: str) -> None:
    """gina views WEB as a viewer; carol is a workspace member outside PRIV."""
    owner = world.actor("owner")
    guest = role == "guest"
    project = world.extra["project"] if guest else services.create_project(owner, name="Private", key="PRIV")
    client = client_for(world, role)
    assert _forms_on(client, project.key) == []
    posts = _posts(world, project)
    before = _snapshot(project)
    for target, data in posts:
        assert client.post(target, data).status_code == 403, target
    assert _snapshot(project) == before


def test_managers_and_staff_see_the_forms(world: Any) -> None:
    for role in ("owner", "admin"):
        found = _forms_on(client_for(world, role), "WEB")
        assert set(MANAGE_MARKERS) <= set(found), role


def test_outsiders_and_guests_outside_the_project_get_404(world: Any) -> None:
    owner = world.actor("owner")
    project = services.create_project(owner, name="Private", key="PRIV")
    guest, outsider = client_for(world, "guest"), client_for(world, "outsider")
    for name in PAGES:
        assert guest.get(url(name, "PRIV")).status_code == 404
        assert outsider.get(url(name, "WEB")).status_code == 404
    assert outsider.get(url("list")).status_code == 404
    for target, data in _posts(world, project):
        assert guest.post(target, data).status_code == 404
    assert "Private" not in text(guest.get(url("list")))
    # The other workspace's project is not found by its key either.
    assert client_for(world, "owner").get(url("project", "SEC")).status_code == 404
    assert Client().get(url("project", "WEB")).status_code == 302  # sign in first


# --- Queries -------------------------------------------------------------------------------------


def grow(world: Any, n: int, start: int = 0) -> None:
    owner = world.actor("owner")
    web = world.extra["project"]
    for i in range(start, start + n):
        user = make_user(f"p{i}")
        accounts.add_member(owner, user=user)
        project = services.create_project(owner, name=f"P{i}", key=f"P{i}X")
        services.add_project_member(owner, project, user_id=user.pk)
        services.add_project_member(owner, web, user_id=user.pk, weekly_hours=10)
        services.create_milestone(
            owner, web, name=f"M{i}", due_date=datetime.date(2030, 1, 1) + datetime.timedelta(days=i)
        )
        items.create_item(owner, project, title=f"I{i}", owner_id=user.pk, estimate_hours=5)
        items.create_item(
            owner,
            web,
            title=f"W{i}",
            owner_id=user.pk,
            estimate_hours=30,
            due_date=datetime.date.today() + datetime.timedelta(days=10),
        )


@pytest.mark.parametrize("page", ["list", "project"])
def test_page_queries_do_not_grow(world: Any, page: str, django_assert_max_num_queries: Any) -> None:
    client = client_for(world, "owner")
    target = url("list") if page == "list" else url("project", "WEB")
    grow(world, 2)
    client.get(target)
    with django_assert_max_num_queries(40) as small:
        assert client.get(target).status_code == 200
    grow(world, 27, start=2)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        assert client.get(target).status_code == 200
    assert len(large.captured_queries) <= len(small.captured_queries)
