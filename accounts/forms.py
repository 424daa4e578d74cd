"""Web forms of people and organisation. Field names are the services' keyword names."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import queries
from accounts.models import Department, Language, Membership, Team, TeamKind, Theme, User, Workspace
from core.dates import time_zone_choices
from core.forms import ServiceForm
from core.permissions import Role, roles_grantable_by
from core.widgets import PickerSelect, PickerSelectMultiple

NONE = ("", "—")


def department_choices(actor: Membership, *, exclude: Department | None = None) -> list[tuple[Any, str]]:
    """Departments as a tree, each name indented by its depth."""
    tree = queries.department_tree(actor)
    return [NONE] + [(d.pk, "\u2003" * depth + d.name) for d, depth in tree if exclude is None or d.pk != exclude.pk]


def member_choices(actor: Membership) -> list[tuple[Any, str]]:
    return [(m.user_id, str(m.user)) for m in queries.members_for(actor).order_by(*queries.people_order())]


def role_choices(actor: Membership) -> list[tuple[str, Any]]:
    return [(role.value, role.label) for role in reversed(roles_grantable_by(actor.role))]


def optional_id(label: Any, widget: forms.Widget | None = None) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, empty_value=None, required=False, widget=widget)


def description_field() -> forms.CharField:
    return forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- Signing in and the account ------------------------------------------------------------------


class LoginForm(ServiceForm):
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class SignUpForm(ServiceForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=30,
        help_text=_("Your @handle for mentions: 2–30 letters, digits, dots, dashes or underscores."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class ProfileForm(ServiceForm):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        initial = {"display_name": user.display_name, "language": user.language, "time_zone": user.time_zone}
        super().__init__(*args, initial={**initial, "version": user.version}, **kwargs)
        # The curated list, with the stored zone kept even when it is an alias no longer listed.
        self.fields["time_zone"].choices = time_zone_choices(user.time_zone)  # type: ignore[attr-defined]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices)


class AvatarForm(ServiceForm):
    avatar = forms.FileField(
        label=_("Picture"), help_text=_("A PNG, JPEG or WebP image of at most 1 MB."), allow_empty_file=False
    )


class ThemeForm(forms.Form):
    theme = forms.ChoiceField(choices=Theme.choices)


class NewPasswordForm(ServiceForm):
    """A new password, typed twice."""

    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 10 characters; not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return data


class PasswordForm(NewPasswordForm):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    keep_tokens = forms.BooleanField(
        label=_("Keep my API tokens working"),
        required=False,
        help_text=_("Unless you tick this, every API token stops working: make new ones where you need them."),
    )
    field_order = ["current_password", "new_password", "new_password_again", "keep_tokens"]


class PasswordResetRequestForm(ServiceForm):
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class TokenForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for."))
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Leave empty for a token that does not expire."),
    )


# --- Workspaces and people -----------------------------------------------------------------------


class WorkspaceForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=50,
        help_text=_("Lowercase letters, digits and dashes; used in the workspace's links."),
    )


class WorkspaceSettingsForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = description_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, workspace: Workspace, *args: Any, **kwargs: Any) -> None:
        initial = {"name": workspace.name, "description": workspace.description, "version": workspace.version}
        super().__init__(*args, initial=initial, **kwargs)


class InviteForm(ServiceForm):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), initial=Role.MEMBER)
    department_id = optional_id(_("Department"))

    def __init__(self, actor: Membership, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("role", role_choices(actor))
        self.set_choices("department_id", department_choices(actor))


class MemberForm(ServiceForm):
    role = forms.ChoiceField(label=_("Role"))
    department_id = optional_id(_("Department"))
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        actor: Membership,
        member: Membership,
        *args: Any,
        departments: list[tuple[Any, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`departments`: the choices, when a page holds a form for every member (as table cells)."""
        initial = {"role": member.role, "department_id": member.department_id, "title": member.title}
        super().__init__(
            *args, initial={**initial, "version": member.version}, auto_id=f"id_member{member.pk}_%s", **kwargs
        )
        self.html_id = f"member-{member.pk}-form"
        for field in self.fields.values():
            field.widget.attrs["form"] = self.html_id
        self.set_choices("role", role_choices(actor))
        self.set_choices("department_id", departments or department_choices(actor))


# --- Departments and teams -----------------------------------------------------------------------


class DepartmentForm(ServiceForm):
    """Creates a department, or edits one (then with the version it was read at)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    parent_id = optional_id(_("Parent department"), PickerSelect(local=True))
    head_id = optional_id(_("Head"), PickerSelect(types=["member"]))
    description = description_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, actor: Membership, *args: Any, department: Department | None = None, **kwargs: Any) -> None:
        if department is not None:
            kwargs["initial"] = {
                "name": department.name,
                "parent_id": department.parent_id,
                "head_id": department.head_id,
                "description": department.description,
                "version": department.version,
            }
        super().__init__(*args, **kwargs)
        self.set_choices("parent_id", department_choices(actor, exclude=department))
        self.set_choices("head_id", [NONE, *member_choices(actor)])
        if department is None:
            del self.fields["version"]


class TeamForm(ServiceForm):
    """Creates a team or work group, or edits one (then with the version it was read at)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices, initial=TeamKind.TEAM)
    lead_id = optional_id(_("Lead"), PickerSelect(types=["member"]))
    member_ids = forms.TypedMultipleChoiceField(
        label=_("Members"), coerce=int, required=False, widget=PickerSelectMultiple(types=["member"])
    )
    description = description_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        actor: Membership,
        *args: Any,
        team: Team | None = None,
        member_ids: list[int] | None = None,
        **kwargs: Any,
    ) -> None:
        if team is not None:
            kwargs["initial"] = {
                "name": team.name,
                "kind": team.kind,
                "lead_id": team.lead_id,
                "member_ids": member_ids or [],
                "description": team.description,
                "version": team.version,
            }
        super().__init__(*args, **kwargs)
        members = member_choices(actor)
        self.set_choices("lead_id", [NONE, *members])
        self.set_choices("member_ids", members)
        if team is None:
            del self.fields["version"]
