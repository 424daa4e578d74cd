"""An objective's fields edited in place on its page (core/inline_field.html, as the work item's and
the requirement's): each shown as its value, an editor on click or Enter; a save goes through
update_objective at the version the page was read at, and a stale one shows the value as it is now."""

import copy
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.web import actor_for
from core.errors import NotFound, PermissionDenied
from core.forms import ServiceForm
from core.web import InlineField, answer_inline, web_view
from goals import queries
from goals.forms.objectives import ObjectiveForm
from goals.models import Objective
from goals.services import objectives as services

if TYPE_CHECKING:
    from accounts.models import Membership

FIELDS = ("title", "description", "owner_id")


def _display(objective: Objective, name: str) -> Any:
    if name == "description":  # plain text, as the page always showed it
        return format_html("<p>{}</p>", linebreaksbr(objective.description)) if objective.description else ""
    if name == "owner_id":
        return str(objective.owner)
    return objective.title


def _form(actor: "Membership", objective: Objective, name: str, data: Any = None) -> ServiceForm:
    """A form of the one field, made like the objective form's (its label, widget, choices and checks)."""
    form = ServiceForm(data, auto_id="inline-%s")
    field = copy.deepcopy(ObjectiveForm.base_fields[name])
    if name == "owner_id":
        field.choices = queries.people_choices(actor)  # type: ignore[attr-defined]
    field.help_text = ""
    field.widget.attrs["autofocus"] = ""
    form.fields[name] = field
    form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
    form.initial = {name: getattr(objective, name)}
    return form


def _field(actor: "Membership", objective: Objective, name: str, form: Any = None, **more: Any) -> InlineField:
    slug = actor.workspace.slug
    url = reverse("goals:objective-inline", args=[slug, objective.pk, name])
    page = reverse("goals:objective", args=[slug, objective.pk])
    label = ObjectiveForm.base_fields[name].label
    return InlineField(
        name, label, url, _display(objective, name), form, multiline=name == "description", page_url=page, **more
    )


def _require_may_change(actor: "Membership", objective: Objective) -> None:
    """The editor is offered where the page offers the edit form; the service checks the save too."""
    if not queries.may_change(actor, objective):
        raise PermissionDenied()


@web_view
def objective_inline(request: HttpRequest, workspace: str, objective_id: int, name: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    objective = queries.get_objective(actor, objective_id)
    if name not in FIELDS:
        raise NotFound()

    def save(obj: Objective, value: Any, version: int) -> None:
        services.update_objective(actor, obj, version=version, **{name: value})

    return answer_inline(
        request,
        objective,
        name,
        field=lambda obj, form=None, **more: _field(actor, obj, name, form, **more),
        form=lambda obj, data: _form(actor, obj, name, data),
        require_edit=lambda: _require_may_change(actor, objective),
        save=save,
        reload=lambda: queries.get_objective(actor, objective_id),
        display=lambda obj: _display(obj, name),
    )


def inline_fields(actor: "Membership", objective: Objective) -> dict[str, InlineField]:
    """The objective's fields as its page shows them, each ready to be edited in place."""
    return {name: _field(actor, objective, name) for name in FIELDS}


urlpatterns: list = [
    path(
        "w/<slug:workspace>/goals/objectives/<int:objective_id>/inline/<str:name>/",
        objective_inline,
        name="objective-inline",
    )
]
