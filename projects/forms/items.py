"""Web forms of work items. Field names are the services' keyword names (projects.services.items)."""

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm
from core.permissions import can
from core.widgets import KeyPicker, PickerSelect, PickerSelectMultiple
from projects.models import FieldKind, ItemType, Priority, Project, WorkItem
from projects.queries import (
    ITEM_KEY,
    SPRINT_CLOSED,
    fields_of,
    item_id_in,
    members_of,
    milestones_of,
    sprints_of,
    states_of,
)

if TYPE_CHECKING:
    from accounts.models import Membership

NONE = ("", "—")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def optional_id(label: Any, widget: forms.Widget | None = None) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, empty_value=None, required=False, widget=widget)


def optional_decimal(label: Any, high: int) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, min_value=0, max_value=high, decimal_places=1)


# --- Choices of a project, each read with one query --------------------------------------------


def people_choices(actor: "Membership", project: Project) -> list[tuple[int, str]]:
    """The workspace's members (who may own items), or the project's members for those who may not
    list the workspace."""
    from accounts.queries import members_for, people_order

    if can(actor, "member.view"):
        rows = members_for(actor).order_by(*people_order())
        return [(m.user_id, str(m.user)) for m in rows]
    return [(m.user_id, str(m.user)) for m in members_of(project).order_by(*people_order())]


def state_choices(project: Project) -> list[tuple[int, str]]:
    states = list(states_of(project).order_by("workflow_id", "position", "id"))
    several = len({s.workflow_id for s in states}) > 1
    return [(s.pk, f"{s.workflow.name}: {s.name}" if several else s.name) for s in states]


def sprint_choices(project: Project, *, open_only: bool = False) -> list[tuple[int, str]]:
    qs = sprints_of(project).order_by("-start_date", "-id")
    if open_only:
        qs = qs.exclude(status=SPRINT_CLOSED)
    return [(s.pk, s.name) for s in qs]


def sprint_rows(project: Project) -> list[tuple[int, str, str]]:
    """(id, name, status) of the project's sprints, newest first."""
    return list(sprints_of(project).order_by("-start_date", "-id").values_list("pk", "name", "status"))


def milestone_choices(project: Project) -> list[tuple[int, str]]:
    return [(m.pk, m.name) for m in milestones_of(project).order_by("due_date", "id")]


# --- The list: filters, bulk edit, saved views --------------------------------------------------


class ItemFilterForm(forms.Form):
    """The list's filters as a GET form; values are checked by projects.queries.filters.check_query."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("Type"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    sprint = forms.ChoiceField(label=_("Sprint"), required=False)
    milestone = forms.ChoiceField(label=_("Milestone"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Sort"), required=False)
    group = forms.ChoiceField(label=_("Group by"), required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[Any, Any]]], **kwargs: Any) -> None:
        from projects.queries.filters import GROUPS, SORTS

        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        everything = ("", _("Any"))
        self._set("type", [everything, *ItemType.choices])
        self._set("state", [everything, *choices["state"]])
        self._set("owner", [everything, *choices["owner"]])
        self._set("priority", [everything, *Priority.choices])
        self._set("sprint", [everything, ("none", _("No sprint")), *choices["sprint"]])
        self._set("milestone", [everything, *choices["milestone"]])
        self._set("sort", [(name, label) for name, (label, _order) in SORTS.items()])
        self._set("group", [("", _("No grouping")), *[(name, label) for name, (label, _o) in GROUPS.items()]])
        self.fields["q"].widget.attrs |= {"type": "search", "data-shortcut-search": ""}
        # Always one order: nothing to clear; the default one stays out of the URL.
        self.fields["sort"].widget.attrs |= {"data-chip-fixed": "", "data-chip-default": "newest"}

    def _set(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field: Any = self.fields[name]
        field.choices = choices


class BulkForm(ServiceForm):
    """Set status, owner, priority or sprint on the checked rows; an empty choice changes nothing."""

    state_id = optional_id(_("Status"))
    owner_id = optional_id(_("Owner"), PickerSelect(types=["member"]))
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    sprint_id = forms.ChoiceField(label=_("Sprint"), required=False, widget=PickerSelect(local=True))

    def __init__(self, *args: Any, choices: dict[str, list[tuple[Any, Any]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unchanged = ("", _("Unchanged"))
        self.set_choices("state_id", [unchanged, *choices["state"]])
        self.set_choices("owner_id", [unchanged, *choices["owner"]])
        self.set_choices("priority", [unchanged, *Priority.choices])
        self.set_choices("sprint_id", [unchanged, ("none", _("No sprint")), *choices["open_sprint"]])

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes = {name: data[name] for name in ("state_id", "owner_id", "priority") if data.get(name)}
        if data.get("sprint_id"):
            changes["sprint_id"] = None if data["sprint_id"] == "none" else int(data["sprint_id"])
        return changes


class SavedViewForm(ServiceForm):
    name = forms.CharField(label=_("Name of the view"), max_length=100)
    shared = forms.BooleanField(label=_("Shared with the project"), required=False)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


# --- One item -----------------------------------------------------------------------------------


class ItemForm(ServiceForm):
    """Creates an item, or edits one (then with the version it was read at)."""

    type = forms.ChoiceField(label=_("Type"), choices=ItemType.choices, initial=ItemType.TASK)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown is supported."),
    )
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int, widget=PickerSelect(types=["member"]))
    collaborator_ids = forms.TypedMultipleChoiceField(
        label=_("Collaborators"), coerce=int, required=False, widget=PickerSelectMultiple(types=["member"])
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM)
    points = optional_decimal(_("Points"), 1000)
    estimate_hours = optional_decimal(_("Estimate (hours)"), 10000)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    parent_id = forms.CharField(
        label=_("Parent item"),
        required=False,
        max_length=30,
        help_text=_("The key of an item, e.g. WEB-12."),
        widget=KeyPicker(types=["work_item"]),
    )
    sprint_id = optional_id(_("Sprint"), PickerSelect(local=True))
    milestone_id = optional_id(_("Milestone"), PickerSelect(local=True))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000, help_text=_("Separated by commas."))
    resolution = forms.CharField(label=_("Resolution"), required=False, max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        actor: "Membership",
        project: Project,
        *args: Any,
        item: WorkItem | None = None,
        people: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.project, self.item = project, item
        self.custom_fields = list(fields_of(project).order_by("position", "id"))
        if item is not None:
            kwargs["initial"] = {
                "type": item.type,
                "title": item.title,
                "description": item.description,
                "owner_id": item.owner_id,
                "collaborator_ids": [u.pk for u in item.collaborators.all()],
                "priority": item.priority,
                "points": item.points,
                "estimate_hours": item.estimate_hours,
                "start_date": item.start_date,
                "due_date": item.due_date,
                "parent_id": item.parent.key if item.parent else "",
                "sprint_id": item.sprint_id,
                "milestone_id": item.milestone_id,
                "tags": ", ".join(item.tags),
                "resolution": item.resolution,
                "version": item.version,
                **{f"custom_{f.pk}": item.custom.get(str(f.pk)) for f in self.custom_fields},
            }
        else:
            kwargs.setdefault("initial", {"owner_id": actor.user_id})
        super().__init__(*args, **kwargs)
        people = people if people is not None else people_choices(actor, project)
        self.set_choices("owner_id", people)
        self.set_choices("collaborator_ids", people)
        sprints = sprint_choices(project, open_only=True)
        if item is not None and item.sprint_id and item.sprint_id not in {s[0] for s in sprints} and item.sprint:
            sprints.append((item.sprint_id, item.sprint.name))
        self.set_choices("sprint_id", [NONE, *sprints])
        self.set_choices("milestone_id", [NONE, *milestone_choices(project)])
        for custom in self.custom_fields:
            self.fields[f"custom_{custom.pk}"] = self._custom_field(custom, people)
        if item is not None and item.parent:
            self.fields["parent_id"].widget.label = f"{item.parent.key} {item.parent.title}"  # type: ignore[attr-defined]
        if item is None:
            del self.fields["version"], self.fields["resolution"]

    @staticmethod
    def _custom_field(custom: Any, people: list[tuple[int, str]]) -> forms.Field:
        label, kind = custom.name, custom.kind
        options = [(o["id"], o["label"]) for o in custom.options]
        if kind == FieldKind.NUMBER:
            return forms.FloatField(label=label, required=False)
        if kind == FieldKind.DATE:
            return forms.DateField(label=label, required=False, widget=DateInput())
        if kind == FieldKind.SELECT:
            return forms.TypedChoiceField(
                label=label, required=False, coerce=int, empty_value=None, choices=[NONE, *options]
            )
        if kind == FieldKind.MULTI_SELECT:
            return forms.TypedMultipleChoiceField(
                label=label, required=False, coerce=int, choices=options, widget=forms.CheckboxSelectMultiple
            )
        if kind == FieldKind.USER:
            return forms.TypedChoiceField(
                label=label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[NONE, *people],
                widget=PickerSelect(types=["member"]),
            )
        return forms.CharField(label=label, required=False, max_length=1000)

    def clean_parent_id(self) -> int | None:
        key = (self.cleaned_data.get("parent_id") or "").strip().upper()
        if not key:
            return None
        match = ITEM_KEY.match(key)
        if not match or match.group(1) != self.project.key:
            raise forms.ValidationError(_("Enter the key of an item of this project."))
        parent_id = item_id_in(self.project, int(match.group(2)))
        if parent_id is None:
            raise forms.ValidationError(_("There is no item with this key in this project."))
        return parent_id

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in (self.cleaned_data.get("tags") or "").split(",") if t.strip()]

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as the service's keywords: custom fields gathered into `custom`."""
        data = dict(self.cleaned_data)
        custom: dict[str, Any] = {}
        for field in self.custom_fields:
            value = data.pop(f"custom_{field.pk}", None)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            if value not in (None, "", []):
                custom[str(field.pk)] = value
        if self.custom_fields:
            data["custom"] = custom
        return data


class TransitionForm(ServiceForm):
    state_id = forms.TypedChoiceField(label=_("Status"), coerce=int)
    resolution = forms.CharField(label=_("Resolution"), required=False, max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, targets: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("state_id", [(s.pk, s.name) for s in targets])

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("resolution"):
            data.pop("resolution", None)
        return data


RELATIONS = (("blocked_by", _("is blocked by")), ("blocks", _("blocks")))


class DependencyForm(ServiceForm):
    relation = forms.ChoiceField(label=_("This item"), choices=RELATIONS)
    item = forms.CharField(
        label=_("Item key"), max_length=30, help_text=_("e.g. WEB-12"), widget=KeyPicker(types=["work_item"])
    )

    def clean_item(self) -> str:
        key = self.cleaned_data["item"].strip().upper()
        if not ITEM_KEY.match(key):
            raise forms.ValidationError(_("Enter an item key such as WEB-12."))
        return key


class TimeLogForm(ServiceForm):
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=24, decimal_places=1)
    day = forms.DateField(label=_("Day"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class MoveForm(ServiceForm):
    project = forms.ChoiceField(label=_("Move to project"), widget=PickerSelect(local=True))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, projects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("project", projects)


class QuickItemForm(ServiceForm):
    """The quick-create dialog: the fields a new item needs most, in the order Tab reaches them
    (title, owner, priority, due date, estimate); the project is chosen above the title."""

    project = forms.ChoiceField(label=_("Project"))
    title = forms.CharField(label=_("Title"), max_length=300)
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    estimate_hours = optional_decimal(_("Estimate (hours)"), 10000)
    create_more = forms.BooleanField(label=_("Create more"), required=False)

    def __init__(
        self, *args: Any, projects: list[tuple[str, str]], people: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "quick-%s")  # the page behind may have a form with the same fields
        super().__init__(*args, **kwargs)
        self.set_choices("project", projects)
        self.set_choices("owner_id", people)
        self.fields["title"].widget.attrs |= {"autofocus": "", "autocomplete": "off"}

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("project", "create_more"):
            data.pop(name, None)
        return {name: value for name, value in data.items() if value not in (None, "")}
