"""Sprints and retrospective notes in the shared registry: history, comments, watchers and the
trash work for them, inside the projects the actor can see."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse

from core.registry import ObjectType, register

if TYPE_CHECKING:
    from accounts.models import Membership


def _visible(prefix: str) -> Callable[["Membership", models.QuerySet], models.QuerySet]:
    def visible(actor: "Membership", qs: models.QuerySet) -> models.QuerySet:
        from projects.queries import visible_project_filter

        return qs.filter(workspace_id=actor.workspace_id).filter(visible_project_filter(actor, prefix))

    return visible


def register_types() -> None:
    from sprints.models import RetroNote, Sprint

    register(
        ObjectType(
            "sprint",
            Sprint,
            "project.view",
            "project.create",
            visible=_visible("project__"),
            web_url=lambda o: reverse("sprints:sprint", args=[o.workspace.slug, o.pk]),
        )
    )
    register(
        ObjectType(
            "retro_note",
            RetroNote,
            "project.view",
            "project.create",
            visible=_visible("sprint__project__"),
            web_url=lambda o: reverse("sprints:sprint", args=[o.workspace.slug, o.sprint_id]) + "#retro",
        )
    )
