"""Web forms of projects and their set-up. Field names are the services' keyword names, so the
services' field errors land next to their field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm
from core.widgets import PickerSelect
from projects.models import (
    Category,
    CustomField,
    FieldKind,
    Health,
    ItemType,
    Milestone,
    Project,
    ProjectMember,
    ProjectRole,
    ProjectStatus,
    State,
    Template,
    Workflow,
)
from projects.services import CHARTER_FIELDS, REQUIRABLE_FIELDS

TEMPLATE_HELP = {
    Template.SCRUM: _("Sprints with a backlog: To do, In progress, In review, Done; bugs get their own workflow."),
    Template.KANBAN: _("Continuous flow with work-in-progress limits: Backlog, Ready, Doing, Review, Done."),
    Template.BUGS: _("Triage and fix: Open, Confirmed, Fixing, Verifying, Closed (with a resolution)."),
}
CHARTER_LABELS = {
    "background": _("Background"),
    "goals": _("Goals"),
    "scope_in": _("In scope"),
    "scope_out": _("Out of scope"),
    "target_users": _("Target users"),
    "deliverables": _("Deliverables"),
    "success_criteria": _("Success criteria"),
    "stakeholders": _("Stakeholders"),
}
REQUIRABLE_LABELS = {
    "resolution": _("Resolution"),
    "points": _("Points"),
    "estimate_hours": _("Estimate (hours)"),
    "due_date": _("Due date"),
    "start_date": _("Start date"),
    "milestone": _("Milestone"),
    "sprint": _("Sprint"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput)


def text_area(label: Any, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": rows}))


def hours_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=0, max_value=168, max_digits=5, decimal_places=1)


class TemplateSelect(forms.RadioSelect):
    """Radio buttons, each with its one-line explanation."""

    option_template_name = "projects/project_template_option.html"

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["help"] = TEMPLATE_HELP.get(option["value"], "")
        return option


def _add_charter(form: forms.Form) -> None:
    for name in CHARTER_FIELDS:
        form.fields[name] = text_area(CHARTER_LABELS[name])


class ProjectForm(ServiceForm):
    """A new project, from a template, with its kickoff charter."""

    name = forms.CharField(label=_("Name"), max_length=200)
    key = forms.CharField(
        label=_("Key"),
        max_length=10,
        help_text=_("2–10 capital letters or digits, starting with a letter; item keys start with it (WEB-12)."),
    )
    template = forms.ChoiceField(
        label=_("Template"), choices=Template.choices, initial=Template.SCRUM, widget=TemplateSelect
    )
    start_date = date_field(_("Start date"))
    target_date = date_field(_("Target date"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _add_charter(self)

    def basics(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "key", "template", "start_date", "target_date")]

    def charter(self) -> list[forms.BoundField]:
        return [self[name] for name in CHARTER_FIELDS]


class ProjectSettingsForm(ServiceForm):
    """The charter and status of a project, edited at the version it was read at."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = text_area(_("Description"))
    start_date = date_field(_("Start date"))
    target_date = date_field(_("Target date"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, project: Project, *args: Any, **kwargs: Any) -> None:
        names = ["name", "description", "status", "start_date", "target_date", *CHARTER_FIELDS, "version"]
        initial = {name: getattr(project, name) for name in names}
        super().__init__(*args, initial=initial, **kwargs)
        # Added here: a class attribute `status` would hide ServiceForm.status (the HTTP status).
        self.fields["status"] = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
        _add_charter(self)
        self.order_fields(names)


class HealthForm(ServiceForm):
    health = forms.ChoiceField(label=_("Health"), choices=Health.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required: say why the computed health does not apply."),
    )

    def __init__(self, *args: Any, project: Project | None = None, **kwargs: Any) -> None:
        if project is not None and project.health_override:
            kwargs["initial"] = {"health": project.health_override, "reason": project.health_reason}
        super().__init__(*args, prefix="health", **kwargs)


class MilestoneForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    due_date = date_field(_("Due date"), required=True)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="milestone", **kwargs)


class MilestoneEditForm(ServiceForm):
    """One milestone's row: its due date and whether it is done."""

    due_date = date_field(_("Due date"), required=True)
    done = forms.BooleanField(label=_("Done"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, milestone: Milestone, *args: Any, **kwargs: Any) -> None:
        initial = {"due_date": milestone.due_date, "done": milestone.done, "version": milestone.version}
        super().__init__(*args, initial=initial, prefix=f"m{milestone.pk}", **kwargs)
        self.html_id = f"milestone-{milestone.pk}-form"
        for field in self.fields.values():
            field.widget.attrs["form"] = self.html_id


class MemberAddForm(ServiceForm):
    user_id = forms.TypedChoiceField(label=_("Person"), coerce=int, widget=PickerSelect(types=["member"]))
    role = forms.ChoiceField(label=_("Project role"), choices=ProjectRole.choices, initial=ProjectRole.MEMBER)
    weekly_hours = hours_field(_("Hours a week"))

    def __init__(self, people: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, initial={"weekly_hours": 40}, prefix="add", **kwargs)
        self.set_choices("user_id", people)


class MemberEditForm(ServiceForm):
    role = forms.ChoiceField(label=_("Project role"), choices=ProjectRole.choices)
    weekly_hours = hours_field(_("Hours a week"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, member: ProjectMember, *args: Any, **kwargs: Any) -> None:
        initial = {"role": member.role, "weekly_hours": member.weekly_hours, "version": member.version}
        super().__init__(*args, initial=initial, prefix=f"pm{member.pk}", **kwargs)
        self.html_id = f"member-{member.pk}-form"
        for field in self.fields.values():
            field.widget.attrs["form"] = self.html_id


# --- Workflows -----------------------------------------------------------------------------------


def _types_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Item types"), choices=ItemType.choices, widget=forms.CheckboxSelectMultiple
    )


class WorkflowForm(ServiceForm):
    """A new workflow for item types no workflow covers yet, or a workflow's name and types."""

    name = forms.CharField(label=_("Name"), max_length=100)
    item_types = _types_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, workflow: Workflow | None = None, types: list[tuple[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        if workflow is not None:
            kwargs["initial"] = {"name": workflow.name, "item_types": workflow.item_types, "version": workflow.version}
        prefix = f"wf{workflow.pk}" if workflow is not None else "new-wf"
        super().__init__(*args, prefix=prefix, **kwargs)
        if types is not None:
            self.set_choices("item_types", types)
        if workflow is None:
            del self.fields["version"]


def _state_fields(form: forms.Form) -> None:
    form.fields["name"] = forms.CharField(label=_("Name"), max_length=60)
    form.fields["category"] = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    form.fields["wip_limit"] = forms.IntegerField(
        label=_("WIP limit"), required=False, min_value=1, max_value=10000, help_text=_("Leave empty for no limit.")
    )
    form.fields["required_fields"] = forms.MultipleChoiceField(
        label=_("Required on entering"),
        required=False,
        choices=[(f, REQUIRABLE_LABELS[f]) for f in REQUIRABLE_FIELDS],
        widget=forms.CheckboxSelectMultiple,
    )


class StateForm(ServiceForm):
    """A new state of a workflow, or one state's settings."""

    def __init__(self, *args: Any, workflow: Workflow | None = None, state: State | None = None, **kwargs: Any) -> None:
        if state is not None:
            kwargs["initial"] = {
                "name": state.name,
                "category": state.category,
                "wip_limit": state.wip_limit,
                "required_fields": state.required_fields,
                "version": state.version,
            }
            prefix = f"st{state.pk}"
        else:
            prefix = f"wf{workflow.pk if workflow else 0}-new-state"
        super().__init__(*args, prefix=prefix, **kwargs)
        _state_fields(self)
        if state is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)


class RemoveStateForm(ServiceForm):
    move_to = forms.TypedChoiceField(label=_("Move its items to"), coerce=int, empty_value=None, required=False)

    def __init__(self, state: State, others: list[State], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix=f"rm{state.pk}", **kwargs)
        self.set_choices("move_to", [("", "—"), *((s.pk, s.name) for s in others)])


# --- Custom fields -------------------------------------------------------------------------------


def _options_field() -> forms.CharField:
    return forms.CharField(
        label=_("Options"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For select fields: one option a line."),
    )


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class FieldForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=FieldKind.choices)
    options = _options_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="field", **kwargs)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["options"] = lines(data["options"])
        return data


class FieldEditForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    options = _options_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, field: CustomField, *args: Any, **kwargs: Any) -> None:
        initial = {
            "name": field.name,
            "options": "\n".join(o["label"] for o in field.options),
            "version": field.version,
        }
        super().__init__(*args, initial=initial, prefix=f"cf{field.pk}", **kwargs)
        self.has_options = field.kind in (FieldKind.SELECT, FieldKind.MULTI_SELECT)
        if not self.has_options:
            del self.fields["options"]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if "options" in data:
            data["options"] = lines(data["options"])
        return data
