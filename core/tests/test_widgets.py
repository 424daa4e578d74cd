"""The typeahead picker widgets (core/widgets.py): what they render without JS, and that a form using
them takes the same values as before."""

from django import forms
from django.utils import translation

from core.widgets import KeyPicker, PickerSelect, PickerSelectMultiple

PEOPLE = [(1, "Alice"), (2, "Bob"), (3, "林悦")]


class PeopleForm(forms.Form):
    owner_id = forms.TypedChoiceField(coerce=int, choices=PEOPLE, widget=PickerSelect(types=["member"]))
    helper_id = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *PEOPLE],
        widget=PickerSelect(types=["member"]),
    )
    collaborator_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, choices=PEOPLE, widget=PickerSelectMultiple(types=["member"])
    )
    sprint_id = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), (7, "Sprint 7"), (8, "Sprint 8")],
        widget=PickerSelect(local=True),
    )
    parent = forms.CharField(required=False, widget=KeyPicker(types=["work_item"]))


def html(form: forms.Form, name: str) -> str:
    with translation.override("en"):
        return str(form[name])


def test_a_single_picker_renders_only_the_current_choice_by_its_label() -> None:
    form = PeopleForm(initial={"owner_id": 3})
    rendered = html(form, "owner_id")
    assert 'name="owner_id"' in rendered and 'id="id_owner_id"' in rendered
    assert '<option value="3" selected>林悦</option>' in rendered
    # Nobody else is listed: the script searches for them.
    assert "Alice" not in rendered and "Bob" not in rendered
    assert 'data-picker="select"' in rendered and 'data-picker-types="member"' in rendered
    assert 'data-picker-empty="Nothing found"' in rendered


def test_an_optional_picker_keeps_its_empty_choice() -> None:
    rendered = html(PeopleForm(initial={}), "helper_id")
    assert '<option value="" selected>—</option>' in rendered and "Alice" not in rendered


def test_a_multiple_picker_renders_its_choices_selected_under_the_same_name() -> None:
    rendered = html(PeopleForm(initial={"collaborator_ids": [1, 3]}), "collaborator_ids")
    assert 'name="collaborator_ids"' in rendered and "multiple" in rendered
    assert '<option value="1" selected>Alice</option>' in rendered
    assert '<option value="3" selected>林悦</option>' in rendered
    assert "Bob" not in rendered


def test_a_bound_form_shows_what_was_submitted() -> None:
    form = PeopleForm(data={"owner_id": "2", "collaborator_ids": ["1"]})
    assert '<option value="2" selected>Bob</option>' in html(form, "owner_id")
    assert "Alice" in html(form, "collaborator_ids") and "Bob" not in html(form, "collaborator_ids")


def test_a_local_picker_keeps_every_option_to_filter() -> None:
    rendered = html(PeopleForm(initial={"sprint_id": 8}), "sprint_id")
    assert "Sprint 7" in rendered and '<option value="8" selected>Sprint 8</option>' in rendered
    assert "data-picker-local" in rendered and "data-picker-types" not in rendered


def test_a_key_picker_is_a_text_box_with_the_current_label() -> None:
    form = PeopleForm(initial={"parent": "WEB-12"})
    form.fields["parent"].widget.label = "WEB-12 登录页"  # type: ignore[attr-defined]
    rendered = html(form, "parent")
    assert 'type="text"' in rendered and 'name="parent"' in rendered and 'value="WEB-12"' in rendered
    assert 'data-picker="key"' in rendered and 'data-picker-types="work_item"' in rendered
    assert "WEB-12 登录页" in rendered and 'autocomplete="off"' in rendered


def test_values_validate_as_before() -> None:
    form = PeopleForm(data={"owner_id": "3", "collaborator_ids": ["1", "2"], "sprint_id": "7", "parent": "web-1"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "owner_id": 3,
        "helper_id": None,
        "collaborator_ids": [1, 2],
        "sprint_id": 7,
        "parent": "web-1",
    }
    # A value outside the field's choices is refused, as a select's would be.
    refused = PeopleForm(data={"owner_id": "99"})
    assert not refused.is_valid() and "owner_id" in refused.errors
