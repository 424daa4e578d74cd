"""Web forms of cycles, objectives and the tree's filters. Field names are the services' keyword
names, so the services' field errors land next to their field."""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm
from core.widgets import PickerSelect
from goals.models import Cycle, CycleKind, Objective, ObjectiveLevel

UNIT_FIELDS = ("department_id", "team_id", "product_id")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _optional_id(label: Any, **kwargs: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, required=False, empty_value=None, **kwargs)


# --- Cycles --------------------------------------------------------------------------------------


class CycleForm(ServiceForm):
    """A new cycle; the name defaults to 2026 Q4, 2026 H2 or 2026."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CycleKind.choices, initial=CycleKind.QUARTER)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    end_date = forms.DateField(label=_("End date"), widget=DateInput)
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("Leave empty for a name such as 2026 Q4.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="new", **kwargs)


class CycleEditForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CycleKind.choices)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    end_date = forms.DateField(label=_("End date"), widget=DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, cycle: Cycle, *args: Any, **kwargs: Any) -> None:
        initial = {name: getattr(cycle, name) for name in ("name", "kind", "start_date", "end_date", "version")}
        super().__init__(*args, initial=initial, **kwargs)


class CycleVersionForm(ServiceForm):
    """Activate or close: the version of the cycle as the page showed it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReopenForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=500,
        help_text=_("Kept on the cycle and in its history, such as “A key result was scored on the wrong figure”."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="reopen", **kwargs)


# --- Objectives ----------------------------------------------------------------------------------


class ObjectiveForm(ServiceForm):
    """An objective: its cycle, wording, level with its unit, owner and parent."""

    cycle_id = forms.TypedChoiceField(label=_("Cycle"), coerce=int)
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_(
            "What you want to achieve, by when, ideally with a number: "
            "“Raise the satisfaction score to 4.5 this quarter”."
        ),
    )
    description = forms.CharField(
        label=_("Description"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    level = forms.ChoiceField(label=_("Level"), choices=ObjectiveLevel.choices, initial=ObjectiveLevel.TEAM)
    department_id = _optional_id(_("Department"), help_text=_("For a department objective."))
    team_id = _optional_id(_("Team"), help_text=_("For a team objective."))
    product_id = _optional_id(_("Product"), help_text=_("For a product objective."))
    owner_id = forms.TypedChoiceField(
        label=_("Owner"),
        coerce=int,
        help_text=_("One person answers for it."),
        widget=PickerSelect(types=["member"]),
    )
    # The cycle's objectives, filtered as typed: a search would offer other cycles' objectives.
    parent_id = _optional_id(
        _("Aligned to"),
        help_text=_("An objective of the same cycle at this level or above that this one contributes to."),
        widget=PickerSelect(local=True),
    )

    def __init__(self, choices: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("cycle_id", choices["cycles"])
        self.set_choices("department_id", [("", _("None")), *choices["departments"]])
        self.set_choices("team_id", [("", _("None")), *choices["teams"]])
        self.set_choices("product_id", [("", _("None")), *choices["products"]])
        self.set_choices("owner_id", choices["people"])
        self.set_choices("parent_id", [("", _("None (a root of the tree)")), *choices["parents"]])

    def values(self) -> dict[str, Any]:
        """The cleaned values for the service: the unit fields the level does not name are left out."""
        values = dict(self.cleaned_data)
        values.pop("version", None)
        return values


class ObjectiveEditForm(ObjectiveForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, choices: dict[str, Any], objective: Objective, *args: Any, **kwargs: Any) -> None:
        names = ["cycle_id", "title", "description", "level", *UNIT_FIELDS, "owner_id", "parent_id", "version"]
        initial = {name: getattr(objective, name) for name in names}
        super().__init__(choices, *args, initial=initial, **kwargs)


class ListSelect(forms.Select):
    """A single-choice <select> of flat choices written in Python, as Django's select.html and
    select_option.html write it: the tree's owner filter lists every member (5,000 options took
    about 0.3 s per page through the option template). Grouped choices fall back to the templates."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        if any(isinstance(options, list | tuple) for _value, options in self.choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        parts: list[str] = [format_html('<select name="{}"{}>', name, flatatt(self.build_attrs(self.attrs, attrs)))]
        selected = False
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            this = not selected and text in chosen
            selected = selected or this
            parts.append(format_html('\n  <option value="{}"{}>{}</option>', text, " selected" if this else "", label))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (each part is escaped by format_html)


class TreeFilterForm(forms.Form):
    cycle = forms.TypedChoiceField(label=_("Cycle"), coerce=int, required=False, empty_value=None, widget=ListSelect)
    level = forms.ChoiceField(label=_("Level"), required=False, widget=ListSelect)
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, required=False, empty_value=None, widget=ListSelect
    )
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None, widget=ListSelect)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None, widget=ListSelect)

    def __init__(self, choices: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        options = {
            "cycle": choices["cycles"],
            "level": ObjectiveLevel.choices,
            "department": choices["departments"],
            "team": choices["teams"],
            "owner": choices["people"],
        }
        every = {
            "cycle": _("The active cycle"),
            "level": _("All levels"),
            "department": _("All departments"),
            "team": _("All teams"),
            "owner": _("Everyone"),
        }
        for name, values in options.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", every[name]), *values]

    def filters(self) -> dict[str, Any]:
        """The chosen filters other than the cycle (invalid ones are ignored, as on other lists)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k != "cycle" and v not in (None, "")}

    def cycle_id(self) -> int | None:
        return self.cleaned_data.get("cycle") if self.is_valid() else None
