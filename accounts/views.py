"""Pages of people and organisation: signing in, the account, workspaces, members, departments and
teams. Thin: parse with a form, call a service or a query, render."""

import functools
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import queries, services
from accounts.forms import (
    AvatarForm,
    DepartmentForm,
    InviteForm,
    LanguageForm,
    LoginForm,
    MemberForm,
    NewPasswordForm,
    PasswordForm,
    PasswordResetRequestForm,
    ProfileForm,
    SignUpForm,
    TeamForm,
    ThemeForm,
    TokenForm,
    WorkspaceForm,
    WorkspaceSettingsForm,
    department_choices,
)
from accounts.models import Membership, TeamKind
from accounts.web import actor_for
from core.errors import NotFound
from core.modules import home_panel_context, home_panels
from core.pagination import paginate
from core.permissions import can, outranks_or_equals, require
from core.queries import feed_for
from core.web import (
    View,
    client_ip,
    errors_as_pages,
    group_repeats,
    is_htmx,
    page_from,
    panel_context,
    readable_changes,
    safe_next,
    web_view,
)

# --- Signing in and the account ------------------------------------------------------------------


@errors_as_pages
@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if form.is_valid():
        with form.service_errors():
            user = services.authenticate_login(ip=client_ip(request), **form.cleaned_data)
            login(request, user)
            return redirect(safe_next(request, reverse("accounts:index")))
    context = {"form": form, "next": safe_next(request, "")}
    return render(request, "accounts/login.html", context, status=form.status)


@web_view
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@web_view
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch of the user menu: saved in the profile, then back to the page."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        user: Any = request.user
        services.update_profile(user, version=user.version, language=form.cleaned_data["language"])
    return redirect(safe_next(request, reverse("accounts:index")))


@web_view
@require_POST
def set_theme(request: HttpRequest) -> HttpResponse:
    """The theme switch (account menu, palette): saved in the profile; a script's call (htmx header)
    gets 204, since it has already applied the theme, and a form goes back to the page."""
    form = ThemeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    user: Any = request.user
    services.update_profile(user, version=user.version, theme=form.cleaned_data["theme"])
    if is_htmx(request):
        return HttpResponse(status=204)
    return redirect(safe_next(request, reverse("accounts:index")))


@web_view
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ProfileForm(user, request.POST or None)
    if form.is_valid():
        with form.service_errors():
            services.update_profile(user, **form.cleaned_data)
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "avatar_form": AvatarForm()}, status=form.status)


@web_view
@require_POST
def upload_avatar(request: HttpRequest) -> HttpResponse:
    """The profile's picture: a new one, or none (back to initials)."""
    user: Any = request.user
    if "remove" in request.POST:
        services.remove_avatar(user)
        messages.success(request, _("Your picture was removed."))
        return redirect("accounts:profile")
    avatar_form = AvatarForm(request.POST, request.FILES)
    if avatar_form.is_valid():
        with avatar_form.service_errors():
            services.set_avatar(user, file=avatar_form.cleaned_data["avatar"])
            messages.success(request, _("Your picture was saved."))
            return redirect("accounts:profile")
    form = ProfileForm(user)
    context = {"form": form, "avatar_form": avatar_form}
    return render(request, "accounts/profile.html", context, status=avatar_form.status)


@web_view
def avatar(request: HttpRequest, user_id: int, stamp: str) -> HttpResponse:
    """A person's picture, as an image with the attachments' protections (nosniff, sandbox). The
    stamp in the URL changes with the picture, so browsers may keep it."""
    person = queries.person_with_avatar(cast(Any, request.user), user_id)
    return cast(HttpResponse, services.avatar_response(person))  # a streamed file, like a download


@web_view
@sensitive_post_parameters()
def password(request: HttpRequest) -> HttpResponse:
    """Change the password; every other session of the user ends, and every API token unless kept."""
    user: Any = request.user
    form = PasswordForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        with form.service_errors():
            services.change_password(
                user,
                ip=client_ip(request),
                current_password=data["current_password"],
                new_password=data["new_password"],
                keep_tokens=data["keep_tokens"],
            )
            update_session_auth_hash(request, user)
            services.end_sessions(user, keep=request.session.session_key)
            if data["keep_tokens"]:
                messages.success(request, _("Your password was changed. Your other sessions were signed out."))
            else:
                messages.success(
                    request,
                    _("Your password was changed. Your other sessions were signed out and your API tokens revoked."),
                )
            return redirect("accounts:profile")
    return render(request, "accounts/password.html", {"form": form}, status=form.status)


@errors_as_pages
def password_reset(request: HttpRequest) -> HttpResponse:
    """Forgot your password? The same answer whether or not an account uses the address."""
    form = PasswordResetRequestForm(request.POST or None)
    if form.is_valid():
        with form.service_errors():
            services.request_password_reset(ip=client_ip(request), email=form.cleaned_data["email"])
            return redirect("accounts:password-reset-sent")
    return render(request, "accounts/password_reset.html", {"form": form}, status=form.status)


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html", {"ttl_minutes": settings.PASSWORD_RESET_TTL_MINUTES})


def _referrer_without_path(view: View) -> View:
    """For pages whose address holds a secret: a Referer carries at most the site's origin, never
    the path, and no cache keeps the page. Not `no-referrer`: under it Chromium sends `Origin: null`
    with the page's own form, which the CSRF check rightly refuses."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "strict-origin"
        add_never_cache_headers(response)
        return response

    return cast(View, wrapper)


@_referrer_without_path
@errors_as_pages
@sensitive_post_parameters()
def password_reset_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the mail: choose a new password. Every session of the account ends, this one too."""
    try:
        services.open_password_reset(token, ip=client_ip(request))
        form = NewPasswordForm(request.POST or None)
        if form.is_valid():
            with form.service_errors():
                services.complete_password_reset(
                    token, ip=client_ip(request), new_password=form.cleaned_data["new_password"]
                )
                logout(request)  # this session was ended too: a clean one carries the message
                messages.success(
                    request,
                    _("Your password was changed and every session was signed out. Sign in with the new password."),
                )
                return redirect("accounts:login")
    except NotFound as error:
        return render(request, "accounts/password_reset_invalid.html", {"message": error.detail}, status=404)
    return render(request, "accounts/password_reset_confirm.html", {"form": form}, status=form.status)


@web_view
def tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens; a new token is shown once, on the response to its creation."""
    user: Any = request.user
    form = TokenForm(request.POST or None)
    plain = None
    if form.is_valid():
        with form.service_errors():
            _token, plain = services.create_token(user, **form.cleaned_data)
            form = TokenForm()
    context = {"form": form, "tokens": queries.tokens_for(user).order_by("-id"), "plain": plain}
    response = render(request, "accounts/tokens.html", context, status=form.status)
    add_never_cache_headers(response)
    return response


@web_view
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    services.revoke_token(request.user, token_id)  # type: ignore[arg-type]
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@errors_as_pages
@sensitive_post_parameters("password")
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Signed in with the invited address: join. Not signed in: sign up, or sign in first."""
    invitation = services.open_invitation(token, ip=client_ip(request))
    user: Any = request.user
    if user.is_authenticated:
        if request.method == "POST":
            membership = services.accept_invitation(token, ip=client_ip(request), user=user)
            return redirect("accounts:home", membership.workspace.slug)
        context = {"invitation": invitation, "email_matches": user.email.lower() == invitation.email.lower()}
        return render(request, "accounts/invitation.html", context)
    form = SignUpForm(request.POST or None)
    if form.is_valid():
        with form.service_errors():
            membership = services.accept_invitation(token, ip=client_ip(request), user=None, **form.cleaned_data)
            login(request, membership.user)
            return redirect("accounts:home", membership.workspace.slug)
    context = {"invitation": invitation, "form": form, "account_exists": queries.account_exists(invitation.email)}
    return render(request, "accounts/invitation.html", context, status=form.status)


# --- Workspaces ----------------------------------------------------------------------------------

HOME_ACTIVITY_LENGTH = 10  # lines of the feed on the home page, repeats grouped
HOME_ACTIVITY_READ = 100  # the entries read to fill them


@web_view
def index(request: HttpRequest) -> HttpResponse:
    first = queries.workspaces_for(request.user).order_by("workspace__name").first()  # type: ignore[arg-type]
    if first is None:
        return redirect("accounts:workspace-new")
    return redirect("accounts:home", first.workspace.slug)


@web_view
def home(request: HttpRequest, workspace: str) -> HttpResponse:
    """My day: the panels the apps declare (core.modules.HomePanel), in order, and the activity
    feed with repeats grouped. Each panel reads a bounded number of rows in a few queries."""
    actor = actor_for(request, workspace)
    panels = []
    for panel in home_panels():
        context = home_panel_context(panel, actor)
        if context is not None:
            panels.append((panel, context))
    recent = None
    if can(actor, "activity.view"):
        latest = paginate(feed_for(actor), cursor=None, limit=HOME_ACTIVITY_READ).items
        recent = readable_changes(actor, group_repeats(latest)[:HOME_ACTIVITY_LENGTH])
    return render(request, "accounts/home.html", {"panels": panels, "recent": recent})


@web_view
def new_workspace(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST or None)
    if form.is_valid():
        with form.service_errors():
            workspace = services.create_workspace(request.user, **form.cleaned_data)  # type: ignore[arg-type]
            return redirect("accounts:home", workspace.slug)
    return render(request, "accounts/workspace_new.html", {"form": form}, status=form.status)


@web_view
def workspace_settings(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    require(actor, "workspace.edit")
    form = WorkspaceSettingsForm(actor.workspace, request.POST or None)
    if form.is_valid():
        with form.service_errors():
            services.update_workspace(actor, **form.cleaned_data)
            messages.success(request, _("The workspace settings were saved."))
            return redirect("accounts:settings", workspace)
    return render(request, "accounts/settings.html", {"form": form}, status=form.status)


# --- Members and invitations --------------------------------------------------------------------


def _may_change(actor: Membership, member: Membership) -> bool:
    return can(actor, "member.manage") and outranks_or_equals(actor.role, member.role)


@web_view
def people(request: HttpRequest, workspace: str) -> HttpResponse:
    """Members with their department and role; for admins, invitations and inline changes."""
    actor = actor_for(request, workspace)
    invite_form = InviteForm(actor, request.POST or None)
    if invite_form.is_valid():
        with invite_form.service_errors():
            invitation = services.invite(actor, **invite_form.cleaned_data)
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:people", workspace)
    manage = can(actor, "member.manage")
    departments = department_choices(actor) if manage else None
    members, order = queries.people_page(actor)
    page = page_from(request, members, order=order)
    rows = [(m, MemberForm(actor, m, departments=departments) if _may_change(actor, m) else None) for m in page.items]
    context = {
        "rows": rows,
        "page": page,
        "invite_form": invite_form if manage else None,
        "invitations": queries.pending_invitations_for(actor).order_by("-id") if manage else [],
    }
    return render(request, "accounts/people.html", context, status=invite_form.status)


@web_view
def member(request: HttpRequest, workspace: str, member_id: int) -> HttpResponse:
    """A member's page; its form also serves the inline (htmx) change on the people page."""
    actor = actor_for(request, workspace)
    member = queries.get_member(actor, member_id)
    form = MemberForm(actor, member, request.POST or None)
    saved = False
    if form.is_valid():
        with form.service_errors():
            member = services.change_member(actor, member, **form.cleaned_data)
            if not is_htmx(request):
                messages.success(request, _("Saved."))
                return redirect("accounts:member", workspace, member.pk)
            form, saved = MemberForm(actor, member), True
    if is_htmx(request):
        context = {"m": member, "row_form": form, "saved": saved}
        return render(request, "accounts/people.html#member-row", context, status=form.status)
    context = {"member": member, "form": form if _may_change(actor, member) else None, "is_me": member.pk == actor.pk}
    return render(request, "accounts/member.html", context, status=form.status)


@web_view
@require_POST
def remove_member(request: HttpRequest, workspace: str, member_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    member = queries.get_member(actor, member_id)
    services.remove_member(actor, member)
    messages.success(request, _("%(name)s was removed from the workspace.") % {"name": member})
    return redirect("accounts:people", workspace)


@web_view
@require_POST
def revoke_invitation(request: HttpRequest, workspace: str, invitation_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    invitation = queries.get_invitation(actor, invitation_id)
    services.revoke_invitation(actor, invitation)
    messages.success(request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email})
    return redirect("accounts:people", workspace)


# --- Departments ---------------------------------------------------------------------------------


@web_view
def departments(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    form = DepartmentForm(actor, request.POST or None)
    if form.is_valid():
        with form.service_errors():
            created = services.create_department(actor, **form.cleaned_data)
            messages.success(request, _("The department was created."))
            return redirect("accounts:department", workspace, created.pk)
    context = {"tree": queries.department_tree(actor), "form": form, "can_edit": can(actor, "department.edit")}
    return render(request, "accounts/departments.html", context, status=form.status)


@web_view
def department(request: HttpRequest, workspace: str, department_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    department = queries.get_department(actor, department_id)
    form = DepartmentForm(actor, request.POST or None, department=department)
    if form.is_valid():
        with form.service_errors():
            services.update_department(actor, department, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("accounts:department", workspace, department.pk)
        department = queries.get_department(actor, department_id)  # as it is, not as the failed edit left it
    context = {
        "department": department,
        "form": form,
        "can_edit": can(actor, "department.edit"),
        "members": queries.members_for(actor, department_id=department.pk).order_by("user__display_name", "id"),
        "children": queries.departments_for(actor, parent_id=department.pk).order_by("name", "id"),
        **panel_context(actor, "department", department.pk),
    }
    return render(request, "accounts/department.html", context, status=form.status)


@web_view
@require_POST
def delete_department(request: HttpRequest, workspace: str, department_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    department = queries.get_department(actor, department_id)
    services.delete_department(actor, department)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": department})
    return redirect("accounts:departments", workspace)


# --- Teams and work groups ----------------------------------------------------------------------


def _departments_of(user_ids: list[int], members: dict[int, Membership]) -> list[str]:
    """The departments the given people belong to, by name (for work groups)."""
    names = {members[u].department.name for u in user_ids if u in members and members[u].department}  # type: ignore[union-attr]
    return sorted(names)


@web_view
def teams(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    form = TeamForm(actor, request.POST or None)
    if form.is_valid():
        with form.service_errors():
            created = services.create_team(actor, **form.cleaned_data)
            messages.success(request, _("The team was created."))
            return redirect("accounts:team", workspace, created.pk)
    page = page_from(request, queries.teams_for(actor), order="name")
    rows = page.items
    member_ids = queries.team_member_ids(rows)
    on_page = {user_id for ids in member_ids.values() for user_id in ids}
    members = {m.user_id: m for m in queries.members_for(actor).filter(user_id__in=on_page)}
    for row in rows:
        row.departments = _departments_of(member_ids[row.pk], members)  # type: ignore[attr-defined]
    context = {
        "teams": rows,
        "page": page,
        "form": form,
        "can_edit": can(actor, "team.edit"),
        "work_group": TeamKind.WORK_GROUP,
    }
    return render(request, "accounts/teams.html", context, status=form.status)


@web_view
def team(request: HttpRequest, workspace: str, team_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    team = queries.get_team(actor, team_id)
    member_ids = queries.team_member_ids([team])[team.pk]
    form = TeamForm(actor, request.POST or None, team=team, member_ids=member_ids)
    if form.is_valid():
        with form.service_errors():
            services.update_team(actor, team, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("accounts:team", workspace, team.pk)
        team = queries.get_team(actor, team_id)  # as it is, not as the failed edit left it
    members = list(queries.members_for(actor).filter(user_id__in=member_ids).order_by("user__display_name", "id"))
    context = {
        "team": team,
        "form": form,
        "can_edit": can(actor, "team.edit"),
        "members": members,
        "departments": _departments_of(member_ids, {m.user_id: m for m in members}),
        "work_group": team.kind == TeamKind.WORK_GROUP,
        **panel_context(actor, "team", team.pk),
    }
    return render(request, "accounts/team.html", context, status=form.status)


@web_view
@require_POST
def delete_team(request: HttpRequest, workspace: str, team_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    team = queries.get_team(actor, team_id)
    services.delete_team(actor, team)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": team})
    return redirect("accounts:teams", workspace)
