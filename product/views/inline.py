"""Requirement and feedback fields edited in place on their pages (core/inline_field.html): each
shown as its value, an editor on click or Enter; a save goes through update_requirement or
update_feedback at the version the page was read at, and a stale one shows the value as it is now."""

import copy
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.web import actor_for
from core.errors import NotFound
from core.forms import ServiceForm
from core.permissions import require
from core.web import InlineField, answer_inline, web_view
from product import queries
from product.forms.feedback import FeedbackForm
from product.forms.requirements import RequirementForm
from product.models import Feedback, Requirement
from product.queries.feedback import get_feedback
from product.services import feedback as feedback_services
from product.services import requirements as requirement_services

if TYPE_CHECKING:
    from accounts.models import Membership

REQUIREMENT_FIELDS = ("title", "description", "type", "source", "owner_id")
FEEDBACK_FIELDS = ("channel", "kind", "sentiment")


def _display(obj: Requirement | Feedback, name: str) -> Any:
    if name == "description":
        html = mark_safe(obj.description_html)  # type: ignore[union-attr]  # noqa: S308 (sanitised when saved)
        return format_html('<div class="prose">{}</div>', html) if html else ""
    if name == "owner_id":
        return str(obj.owner)  # type: ignore[union-attr]
    value = getattr(obj, name)
    if value and name in ("type", "source", "channel", "kind", "sentiment"):
        return getattr(obj, f"get_{name}_display")()
    return value or ""


def _form(actor: "Membership", obj: Requirement | Feedback, name: str, data: Any = None) -> ServiceForm:
    """A form of the one field, made like the full form's (its label, widget, choices and checks)."""
    source = RequirementForm if isinstance(obj, Requirement) else FeedbackForm
    form = ServiceForm(data, auto_id="inline-%s")
    field = copy.deepcopy(source.base_fields[name])
    if name == "owner_id":
        field.choices = queries.people_choices(actor)  # type: ignore[attr-defined]
    field.widget.attrs["autofocus"] = ""
    form.fields[name] = field
    form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
    form.initial = {name: getattr(obj, name)}
    return form


def _field(actor: "Membership", obj: Requirement | Feedback, name: str, form: Any = None, **more: Any) -> InlineField:
    slug = actor.workspace.slug
    if isinstance(obj, Requirement):
        label = RequirementForm.base_fields[name].label
        url = reverse("product:requirement-inline", args=[slug, obj.number, name])
        page = reverse("product:requirement", args=[slug, obj.number])
    else:
        label = FeedbackForm.base_fields[name].label
        url = reverse("product:feedback-inline", args=[slug, obj.pk, name])
        page = reverse("product:feedback", args=[slug, obj.pk])
    return InlineField(
        name, label, url, _display(obj, name), form, multiline=name == "description", page_url=page, **more
    )


def _save(actor: "Membership", obj: Requirement | Feedback, name: str, value: Any, version: int) -> None:
    if name == "description":  # browsers send CR LF; as the full form, keep the text's own line breaks
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(obj, Requirement):
        requirement_services.update_requirement(actor, obj, version=version, **{name: value})
    else:
        feedback_services.update_feedback(actor, obj, version=version, **{name: value})


def _answer(request: HttpRequest, actor: "Membership", obj: Any, name: str, reload: Any) -> HttpResponse:
    return answer_inline(
        request,
        obj,
        name,
        field=lambda o, form=None, **more: _field(actor, o, name, form, **more),
        form=lambda o, data: _form(actor, o, name, data),
        require_edit=lambda: require(actor, "product.edit"),
        save=lambda o, value, version: _save(actor, o, name, value, version),
        reload=reload,
        display=lambda o: _display(o, name),
    )


@web_view
def requirement_inline(request: HttpRequest, workspace: str, number: int, name: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    requirement = queries.get_requirement(actor, number)
    if name not in REQUIREMENT_FIELDS:
        raise NotFound()
    return _answer(request, actor, requirement, name, lambda: queries.get_requirement(actor, number))


@web_view
def feedback_inline(request: HttpRequest, workspace: str, feedback_id: int, name: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    feedback = get_feedback(actor, feedback_id)
    if name not in FEEDBACK_FIELDS:
        raise NotFound()
    return _answer(request, actor, feedback, name, lambda: get_feedback(actor, feedback_id))


def requirement_fields(actor: "Membership", requirement: Requirement) -> dict[str, InlineField]:
    return {name: _field(actor, requirement, name) for name in REQUIREMENT_FIELDS}


def feedback_fields(actor: "Membership", feedback: Feedback) -> dict[str, InlineField]:
    return {name: _field(actor, feedback, name) for name in FEEDBACK_FIELDS}


W = "w/<slug:workspace>/"
urlpatterns: list = [
    path(W + "requirements/<int:number>/inline/<str:name>/", requirement_inline, name="requirement-inline"),
    path(W + "feedback/<int:feedback_id>/inline/<str:name>/", feedback_inline, name="feedback-inline"),
]
