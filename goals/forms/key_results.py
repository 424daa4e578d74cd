"""Web forms of key results, check-ins and links. Field names are the services' keyword names, so
the services' field errors land next to their field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm
from core.templatetags.cadence import plain_number
from core.widgets import KeyPicker, PickerSelect
from goals.models import Confidence, KeyResult, Metric, ProgressSource
from goals.services.key_results import MAX_MILESTONES, TITLE_MAX_LENGTH, UNIT_MAX_LENGTH

VALUE_DIGITS = {"max_digits": 18, "decimal_places": 4}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MilestonesField(forms.CharField):
    """Milestone names, one a line, as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in str(text).splitlines() if line.strip()]


class KeyResultForm(ServiceForm):
    """A key result's fields. The start and target matter for numbers, percentages and currencies;
    the milestones for a milestone result; yes / no needs neither."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("A measurable result, such as “Weekly active teams from 100 to 200 by 30 June”."),
    )
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices, initial=Metric.NUMBER)
    start_value = forms.DecimalField(label=_("Start value"), required=False, **VALUE_DIGITS)  # type: ignore[arg-type]
    target_value = forms.DecimalField(
        label=_("Target value"),
        required=False,
        help_text=_(
            "The same as the start value to keep a level, such as availability at 99.9 %: done while at or above it."
        ),
        **VALUE_DIGITS,  # type: ignore[arg-type]
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=UNIT_MAX_LENGTH, required=False, help_text=_("Such as users, ¥ or percent.")
    )
    milestones = MilestonesField(label=_("Milestones"), required=False)
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int, widget=PickerSelect(types=["member"]))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    weight = forms.DecimalField(
        label=_("Weight"),
        max_digits=5,
        decimal_places=2,
        initial=1,
        help_text=_("How much it counts in the objective's progress, above 0 and at most 100."),
    )
    source = forms.ChoiceField(
        label=_("Progress from"), choices=ProgressSource.choices, initial=ProgressSource.CHECK_INS
    )

    def __init__(self, owners: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("owner_id", owners)
        self.fields["milestones"].help_text = _(
            "For a milestone result: one name a line, in order (at most %(n)s)."
        ) % {"n": MAX_MILESTONES}

    def values(self) -> dict[str, Any]:
        """The cleaned data for the service: milestones only for a milestone result."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if data.get("metric") != Metric.MILESTONE:
            data.pop("milestones", None)
        if data.get("metric") in (Metric.YES_NO, Metric.MILESTONE):
            data.pop("start_value", None)
            data.pop("target_value", None)
        return data


class KeyResultEditForm(KeyResultForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, owners: list[tuple[int, str]], key_result: KeyResult, *args: Any, **kwargs: Any) -> None:
        names = [
            "title",
            "metric",
            "start_value",
            "target_value",
            "unit",
            "milestones",
            "owner_id",
            "due_date",
            "weight",
            "source",
            "version",
        ]
        initial = {name: getattr(key_result, name) for name in names}
        for name in ("start_value", "target_value", "weight"):
            initial[name] = plain_number(initial[name])
        super().__init__(owners, *args, initial=initial, **kwargs)


class CheckInForm(ServiceForm):
    """A new value, how confident the owner is, and why."""

    value = forms.DecimalField(label=_("Current value"), required=False, **VALUE_DIGITS)  # type: ignore[arg-type]
    confidence = forms.ChoiceField(
        label=_("Confidence"), choices=Confidence.choices, initial=Confidence.ON_TRACK, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What moved, what is in the way, what comes next."),
    )

    def __init__(self, key_result: KeyResult, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"value": plain_number(key_result.current_value), "confidence": key_result.confidence or None}
        )
        super().__init__(*args, **kwargs)
        value = self.fields["value"]
        if key_result.metric == Metric.YES_NO:
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Done?"), choices=[("0", _("No")), ("1", _("Yes"))], coerce=str, required=False
            )
            self.initial["value"] = str(int(key_result.current_value))
        elif key_result.metric == Metric.MILESTONE:
            reached = [("0", _("None yet"))] + [
                (str(n), f"{n}. {name}") for n, name in enumerate(key_result.milestones, start=1)
            ]
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Milestones reached, up to"), choices=reached, coerce=str, required=False
            )
            self.initial["value"] = str(int(key_result.current_value))
        elif key_result.unit:
            value.help_text = _("In %(unit)s.") % {"unit": key_result.unit}
        if key_result.source != ProgressSource.CHECK_INS:
            self.fields["value"].help_text = _("Optional: the progress comes from the linked work.")


class LinkForm(ServiceForm):
    reference = forms.CharField(
        label=_("Project, requirement or work item"),
        max_length=40,
        help_text=_("A project key (ACME), a requirement (REQ-12) or a work item (ACME-12)."),
        widget=KeyPicker(types=["project", "requirement", "work_item"]),
    )
