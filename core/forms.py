"""Forms the web shares: the base for every form that feeds a service, comments, links, feed filters."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, RateLimited, ValidationFailed
from core.labels import TYPE_LABELS, VERB_LABELS
from core.links import all_kinds
from core.registry import type_names
from core.search import searchable_types
from core.services import COMMENT_MAX_LENGTH
from core.widgets import KeyPicker


class ServiceForm(forms.Form):
    """A form whose cleaned data goes to a service; the service's errors land on the form.

    Field names are the service's keyword names, so its field errors find their field.
    """

    conflict: dict[str, Any] | None = None
    error_status: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @contextmanager
    def service_errors(self) -> Iterator[None]:
        """Run a service call; a ValidationFailed, Conflict or RateLimited it raises stays here."""
        try:
            yield
        except ValidationFailed as error:
            self.error_status = 422
            for field, messages in error.errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        except Conflict as error:
            # Keep what the user typed; the new version lets them save it over the current state.
            self.error_status = 409
            self.conflict = error.current or {}
            if "version" in self.fields and "version" in self.conflict:
                data = cast(QueryDict, self.data).copy()
                data[self.add_prefix("version")] = str(self.conflict["version"])
                self.data = data
        except RateLimited as error:
            self.error_status = 429
            self.add_error(None, str(error.detail))

    @property
    def status(self) -> int:
        if self.error_status is not None:
            return self.error_status
        return 422 if self.is_bound and self.errors else 200

    def set_choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def conflict_values(self) -> list[tuple[Any, Any]]:
        """The current state after a conflict, as (label, value) rows of this form's fields."""
        rows = []
        for key, value in (self.conflict or {}).items():
            name = key if key in self.fields else f"{key}_id"
            field = self.fields.get(name)
            if field is None or name == "version":
                continue
            labels = {str(k): v for k, v in getattr(field, "choices", [])}
            shown = labels.get(str(value), value) if value not in (None, "") else "—"
            rows.append((field.label, shown))
        return rows


class CommentForm(ServiceForm):
    body = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown is supported. Mention people with @username."),
    )


class AttachmentForm(ServiceForm):
    """One file for an object; the service checks the size and stores it under a generated name."""

    file = forms.FileField(label=_("File"))


class LinkForm(ServiceForm):
    """A link from the object of the panel: its kind, the other end's type, and its key or id."""

    kind = forms.ChoiceField(label=_("Kind of link"))
    target_type = forms.ChoiceField(label=_("Linked object's type"))
    # The picker searches every type the panel offers and sets `target_type` to the chosen one's.
    target = forms.CharField(
        label=_("Key or id"),
        max_length=100,
        help_text=_("A key such as WEB-12 or REQ-4, or the object's number id."),
        widget=KeyPicker(type_field="target_type"),
    )

    def __init__(self, *args: Any, types: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("kind", [(kind.name, kind.label) for kind in all_kinds()])
        self.set_choices("target_type", types)
        searchable = {t.name for t in searchable_types()}
        cast(KeyPicker, self.fields["target"].widget).types = tuple(n for n, _label in types if n in searchable)

    def target_fields(self) -> dict[str, Any]:
        """The service's way of naming the target: digits are an id, anything else a key."""
        text = self.cleaned_data["target"].strip()
        return {"target_id": int(text)} if re.fullmatch(r"[0-9]{1,15}", text) else {"target_key": text}

    def add_error(self, field: str | None, error: Any) -> None:
        # The service names the target by the field it was given in; here both are `target`.
        super().add_error("target" if field in {"target_id", "target_key"} else field, error)


VERB_CHOICES = [("", _("All actions")), *VERB_LABELS.items()]


class ActivityFilterForm(forms.Form):
    target_type = forms.ChoiceField(label=_("Object type"), required=False)
    verb = forms.ChoiceField(label=_("Action"), required=False, choices=VERB_CHOICES)
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        types = [(name, TYPE_LABELS.get(name, name)) for name in type_names()]
        cast(forms.ChoiceField, self.fields["target_type"]).choices = [("", _("All types")), *types]
