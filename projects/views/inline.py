"""A work item's fields edited in place on its page (core/inline_field.html): each is shown as its
value and becomes an editor on click or Enter; a save goes through update_item (or transition, for
the status) at the version the page was read at, and a stale one shows the value as it is now."""

import copy
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import date as date_filter
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.web import actor_for
from core.errors import NotFound
from core.forms import ServiceForm
from core.web import InlineField, answer_inline, web_view
from projects import queries
from projects.access import Level, require_level
from projects.forms.items import ItemForm, people_choices
from projects.models import WorkItem
from projects.queries import transition_targets
from projects.services import items as services

if TYPE_CHECKING:
    from accounts.models import Membership

FIELDS = (
    "title",
    "description",
    "state_id",
    "owner_id",
    "priority",
    "points",
    "estimate_hours",
    "start_date",
    "due_date",
)
STATUS = gettext_lazy("Status")


def _display(item: WorkItem, name: str) -> Any:
    if name == "description":
        html = mark_safe(item.description_html)  # noqa: S308 (core.markdown sanitised it when it was saved)
        return format_html('<div class="prose">{}</div>', html) if item.description_html else ""
    if name == "state_id":
        return item.state.name
    if name == "owner_id":
        return str(item.owner)
    if name == "priority":
        label = item.get_priority_display()  # type: ignore[attr-defined]
        return format_html('<span class="priority priority-{}">{}</span>', item.priority, label)
    if name in ("start_date", "due_date"):
        return date_filter(getattr(item, name), "Y-m-d")
    value = getattr(item, name)
    return "" if value is None else str(value)


def _form(actor: "Membership", item: WorkItem, name: str, data: Any = None) -> ServiceForm:
    """A form of the one field, made like the item form's (its label, widget and checks)."""
    form = ServiceForm(data, auto_id="inline-%s")
    if name == "state_id":
        states = [item.state, *[s for s in transition_targets(item) if s.pk != item.state_id]]
        field: forms.Field = forms.TypedChoiceField(label=STATUS, coerce=int, choices=[(s.pk, s.name) for s in states])
    else:
        field = copy.deepcopy(ItemForm.base_fields[name])
    if name == "owner_id":
        field.choices = people_choices(actor, item.project)  # type: ignore[attr-defined]
    field.widget.attrs["autofocus"] = ""
    form.fields[name] = field
    form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
    value = item.state_id if name == "state_id" else getattr(item, name)
    form.initial = {name: value}
    return form


def _field(actor: "Membership", item: WorkItem, name: str, form: ServiceForm | None = None, **more: Any) -> InlineField:
    label = STATUS if name == "state_id" else ItemForm.base_fields[name].label
    url = reverse("projects:item_inline", args=[actor.workspace.slug, item.key, name])
    page = reverse("projects:item", args=[actor.workspace.slug, item.key])
    return InlineField(
        name, label, url, _display(item, name), form, multiline=name == "description", page_url=page, **more
    )


def _save(actor: "Membership", item: WorkItem, name: str, value: Any, version: int) -> None:
    if name == "state_id":
        if value != item.state_id:
            services.transition(actor, item, state_id=value, version=version)
    else:
        services.update_item(actor, item, version=version, **{name: value})


@web_view
def item_inline(request: HttpRequest, workspace: str, key: str, name: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    item = queries.get_item(actor, key)
    if name not in FIELDS:
        raise NotFound()
    return answer_inline(
        request,
        item,
        name,
        field=lambda obj, form=None, **more: _field(actor, obj, name, form, **more),
        form=lambda obj, data: _form(actor, obj, name, data),
        require_edit=lambda: require_level(actor, item.project, Level.WORK),
        save=lambda obj, value, version: _save(actor, obj, name, value, version),
        reload=lambda: queries.get_item(actor, item.key),
        display=lambda obj: _display(obj, name),
    )


def inline_fields(actor: "Membership", item: WorkItem) -> dict[str, InlineField]:
    """The item's fields as its page shows them, each ready to be edited in place."""
    return {name: _field(actor, item, name) for name in FIELDS}


urlpatterns: list = [path("w/<slug:workspace>/items/<str:key>/inline/<str:name>/", item_inline, name="item_inline")]
