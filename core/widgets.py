"""The typeahead picker: a real form control that static/js/picker.js turns into a combobox.

Without JS the control still submits what the form expects: a select of the current choice(s) (its
name and values unchanged), or a text box that takes a key such as WEB-12. With JS the choices are
searched on the workspace's search endpoint (`/w/<slug>/search/`), so a page never lists every
person or item; a "local" picker filters the options it renders instead (a project's sprints).
The form's validation is untouched: the picker only changes how the value is entered.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _


def _strings() -> dict[str, str]:
    # What the script says, in the page's language (there is no JS catalogue).
    return {
        "data-picker-empty": _("Nothing found"),
        "data-picker-searching": _("Searching…"),
        "data-picker-remove": _("Remove"),
        "data-picker-results": _("%(count)s results"),
        "data-picker-placeholder": _("Type to search"),
    }


class _Picker:
    """What every picker adds to its control's attributes."""

    picker_mode = "select"

    def __init__(self, *, types: Sequence[str] = (), local: bool = False, attrs: dict[str, Any] | None = None) -> None:
        self.types = tuple(types)
        self.local = local
        super().__init__(attrs=attrs)  # type: ignore[call-arg]

    def picker_attrs(self) -> dict[str, str]:
        attrs = {"data-picker": self.picker_mode, **_strings()}
        if self.local:
            attrs["data-picker-local"] = ""
        else:
            attrs["data-picker-types"] = ",".join(self.types)
        return attrs


class _ChosenOnly:
    """A select that renders only its chosen options (and the empty one), not every choice."""

    local: bool
    choices: Any

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        if self.local:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        chosen = {str(v) for v in value if v not in (None, "")}
        every = self.choices
        self.choices = [(k, label) for k, label in every if str(k) in chosen or k in ("", None)]
        try:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        finally:
            self.choices = every


class PickerSelect(_Picker, _ChosenOnly, forms.Select):
    """One object by id (an owner, a parent objective, a sprint): submits the same id as a select."""

    template_name = "core/widgets/picker_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, value, {**(attrs or {}), **self.picker_attrs()})


class PickerSelectMultiple(_Picker, _ChosenOnly, forms.SelectMultiple):
    """Several objects by id (collaborators, a team's members), shown as chips."""

    template_name = "core/widgets/picker_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, value, {**(attrs or {}), **self.picker_attrs()})


class KeyPicker(_Picker, forms.TextInput):
    """A field typed by key (WEB-12, REQ-4): the text box stays, and choosing a result writes its key
    (or its id, for a type without keys). `type_field` names a field of the same form that takes the
    chosen result's type (the links panel); `label` describes the current value."""

    picker_mode = "key"
    template_name = "core/widgets/picker_key.html"

    def __init__(self, *, types: Sequence[str] = (), type_field: str = "", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(types=types, attrs=attrs)
        self.type_field = type_field
        self.label = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        extra = {**self.picker_attrs(), "autocomplete": "off"}
        if self.type_field:
            extra["data-picker-type-field"] = self.type_field
        context = super().get_context(name, value, {**(attrs or {}), **extra})
        context["picker_label"] = self.label
        return context
