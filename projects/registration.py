"""Projects, milestones and work items in the shared registry: history, comments, watchers,
attachments and the trash work for them, and reminders of work items' due dates."""

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import hooks
from core.registry import Deadline, ObjectType, register
from core.search import Row, Search
from projects.hooks import WorkItemsChanged

if TYPE_CHECKING:
    from accounts.models import Membership


def _visible_project(actor: "Membership", qs: models.QuerySet) -> models.QuerySet:
    from projects.queries import visible_project_filter

    return qs.filter(workspace_id=actor.workspace_id).filter(visible_project_filter(actor, ""))


def _in_visible_project(actor: "Membership", qs: models.QuerySet) -> models.QuerySet:
    from projects.queries import visible_project_filter

    return qs.filter(workspace_id=actor.workspace_id).filter(visible_project_filter(actor, "project__"))


def _item_restored(actor: "Membership", item: Any) -> None:
    hooks.emit("work_item.restored", WorkItemsChanged(actor, (item.pk,)))


def _project_by_key(actor: "Membership", key: str) -> int | None:
    from projects.queries import project_id_for_key

    return project_id_for_key(actor, key)


def _item_by_key(actor: "Membership", key: str) -> int | None:
    from projects.queries import item_id_for_key

    return item_id_for_key(actor, key)


def _item_key(row: Row) -> str:
    return f"{row['project__key']}-{row['number']}"


PROJECT_SEARCH = Search(
    label=_("Project"),
    title="name",
    fields=("key",),
    subtitle="key",
    read=("key",),
    key=lambda row: row["key"],
    url=lambda slug, row: reverse("projects:project", args=[slug, row["key"]]),
)
ITEM_SEARCH = Search(
    label=_("Work item"),
    title="title",
    subtitle="project__name",
    read=("project__key", "number"),
    key=_item_key,
    url=lambda slug, row: reverse("projects:item", args=[slug, _item_key(row)]),
    alive=Q(project__deleted_at__isnull=True),
)


def register_types() -> None:
    from projects.models import Category, Milestone, Project, ProjectStatus, WorkItem

    # Reminded: items to do or in progress in a project still under way (on hold included).
    open_item = Q(
        category__in=[Category.TODO, Category.IN_PROGRESS],
        project__status__in=[ProjectStatus.PLANNING, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD],
        project__deleted_at__isnull=True,
    )

    register(
        ObjectType(
            "project",
            Project,
            "project.view",
            "project.create",
            visible=_visible_project,
            web_url=lambda o: reverse("projects:project", args=[o.workspace.slug, o.key]),
            lookup=_project_by_key,
            search=PROJECT_SEARCH,
        )
    )
    register(
        ObjectType(
            "milestone",
            Milestone,
            "project.view",
            "project.create",
            visible=_in_visible_project,
            web_url=lambda o: reverse("projects:project", args=[o.workspace.slug, o.project.key]),
        )
    )
    register(
        ObjectType(
            "work_item",
            WorkItem,
            "project.view",
            "project.create",
            visible=_in_visible_project,
            web_url=lambda o: reverse("projects:item", args=[o.workspace.slug, o.key]),
            on_restore=_item_restored,
            deadline=Deadline(
                open=open_item,
                index="item_due",
                read_with=("project",),
                key_scope="",
                checkin_url=lambda workspace: reverse("projects:my_work", args=[workspace.slug]),
            ),
            lookup=_item_by_key,
            search=ITEM_SEARCH,
        )
    )
