"""Every write to people and organisation: check permission, validate, write in a transaction,
record the activity."""

import datetime
import hashlib
import io
import ipaddress
import logging
import re
import secrets
import threading
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from accounts.models import (
    ApiToken,
    Department,
    Invitation,
    Language,
    Membership,
    PasswordReset,
    Team,
    TeamKind,
    TeamMember,
    Theme,
    User,
    Workspace,
)
from accounts.names import pinyin_of
from accounts.queries import active_member_user
from core import dates, ratelimit
from core.activity import diff, record, snapshot
from core.attachments import read_file, remove_file, write_file
from core.errors import NotFound, PermissionDenied, Unauthenticated, ValidationFailed
from core.permissions import Role, outranks_or_equals, require
from core.services import soft_delete
from core.versioning import save_versioned

_HANDLE = re.compile(r"^[A-Za-z0-9_.\-]{2,30}$")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9\-]{0,48}[a-z0-9])?$")
TOKEN_PREFIX = "cad_"  # noqa: S105 (a public prefix, not a secret)
UNSET: Any = object()
# The thread that mails a password reset link after the answer has gone (tests wait for it by name).
RESET_MAIL_THREAD = "password-reset-mail"
logger = logging.getLogger(__name__)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- Users -------------------------------------------------------------------------------------


def _check_time_zone(value: str, stored: str | None = None) -> None:
    """The profile's list: a listed zone, or the one already stored."""
    if not dates.is_offered_zone(value, stored):
        raise ValidationFailed({"time_zone": _("Unknown time zone.")})


def _check_language(value: str) -> None:
    if value not in Language.values:
        raise ValidationFailed({"language": _("Choose one of: %(choices)s.") % {"choices": ", ".join(Language.values)}})


def _check_password(password: str, user: User | None, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as e:
        raise ValidationFailed({field: list(e.messages)}) from None


def set_name_pinyin(user: User) -> None:
    """Keep the stored pinyin of the user's name (display name, else username) with the name."""
    user.name_pinyin, user.name_initials = pinyin_of(user.display_name or user.username)


def create_user(
    *,
    email: str,
    username: str,
    password: str,
    display_name: str = "",
    language: str = Language.ZH_HANS,
    time_zone: str | None = None,
    is_superuser: bool = False,
    check_password: bool = True,
) -> User:
    email = User.objects.normalize_email(email).strip()
    errors: dict[str, str] = {}
    if not _HANDLE.match(username or ""):
        errors["username"] = _("Use 2–30 letters, digits, dots, dashes or underscores.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This username is taken.")
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("An account with this email already exists.")
    if errors:
        raise ValidationFailed(errors)
    _check_language(language)
    time_zone = time_zone or settings.DEFAULT_USER_TIME_ZONE
    _check_time_zone(time_zone, settings.DEFAULT_USER_TIME_ZONE)
    user = User(
        email=email,
        username=username,
        display_name=display_name.strip(),
        language=language,
        time_zone=time_zone,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    set_name_pinyin(user)
    if check_password:
        _check_password(password, user)
    user.set_password(password)
    try:
        user.save()
    except IntegrityError:
        raise ValidationFailed({"email": _("An account with this email already exists.")}) from None
    return user


def update_profile(
    user: User,
    *,
    version: int,
    display_name: str = UNSET,
    language: str = UNSET,
    time_zone: str = UNSET,
    theme: str = UNSET,
) -> User:
    fields = []
    if display_name is not UNSET:
        user.display_name = display_name.strip()
        set_name_pinyin(user)
        fields += ["display_name", "name_pinyin", "name_initials"]
    if language is not UNSET:
        _check_language(language)
        user.language = language
        fields.append("language")
    if time_zone is not UNSET:
        _check_time_zone(time_zone, user.time_zone)
        user.time_zone = time_zone
        fields.append("time_zone")
    if theme is not UNSET:
        if theme not in Theme.values:
            raise ValidationFailed({"theme": _("Choose one of: %(choices)s.") % {"choices": ", ".join(Theme.values)}})
        user.theme = theme
        fields.append("theme")
    save_versioned(user, expected_version=version, fields=fields)
    return user


# --- Avatars -----------------------------------------------------------------------------------

AVATAR_MAX_BYTES = 1024 * 1024


def avatar_content_type(head: bytes) -> str | None:
    """The picture's type from its first bytes (never from its name or what the browser claims)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def set_avatar(user: User, *, file: Any) -> User:
    """Store a PNG, JPEG or WebP picture of at most 1 MB as the user's avatar, in place of the old one."""
    data = file.read(AVATAR_MAX_BYTES + 1)
    if len(data) > AVATAR_MAX_BYTES:
        raise ValidationFailed({"avatar": _("The picture is larger than 1 MB.")})
    if avatar_content_type(data[:12]) is None:
        raise ValidationFailed({"avatar": _("The picture must be a PNG, JPEG or WebP image.")})
    stored_name = secrets.token_urlsafe(24)
    write_file(stored_name, [data])
    old = user.avatar
    user.avatar = stored_name
    try:
        save_versioned(user, expected_version=user.version, fields=["avatar"])
    except BaseException:
        remove_file(stored_name)
        raise
    if old:
        transaction.on_commit(lambda: remove_file(old))
    return user


def avatar_response(user: User) -> FileResponse:
    try:
        data = read_file(user.avatar)
    except (OSError, ValueError):
        raise NotFound() from None
    response = FileResponse(io.BytesIO(data), content_type=avatar_content_type(data[:12]) or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, max-age=86400"
    return response


def remove_avatar(user: User) -> User:
    old = user.avatar
    if old:
        user.avatar = ""
        save_versioned(user, expected_version=user.version, fields=["avatar"])
        transaction.on_commit(lambda: remove_file(old))
    return user


def login_keys(ip: str, email: str) -> list[str]:
    return [f"login:ip:{ip}", f"login:account:{email.strip().lower()}"]


def authenticate_login(*, ip: str, email: str, password: str) -> User:
    """Check a login; lock the IP and the account for a while after too many failures.

    Success clears the account's count only: the address keeps its failures, or one valid account
    would let an address try passwords on every other account without ever being locked."""
    ip_key, account_key = login_keys(ip, email)
    ratelimit.check([ip_key, account_key])
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        User().set_password(password)  # same cost as a real check, so timing tells nothing
    if user is None or not user.check_password(password):
        ratelimit.record_failure([ip_key, account_key])
        raise ValidationFailed({"password": _("The email or password is not correct.")})
    ratelimit.clear([account_key])
    return user


def change_password(
    user: User, *, ip: str, current_password: str, new_password: str, keep_tokens: bool = False
) -> None:
    """Change the password; every session made with the old one stops working, and every API
    token too unless `keep_tokens` (whoever knew the old password may have made one)."""
    keys = [f"password:ip:{ip}", f"password:account:{user.pk}"]
    ratelimit.check(keys)
    if not user.check_password(current_password):
        ratelimit.record_failure(keys)
        raise ValidationFailed({"current_password": _("The current password is not correct.")})
    _check_password(new_password, user, "new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        if not keep_tokens:
            revoke_tokens(user)


def end_sessions(user: User, *, keep: str | None = None) -> None:
    """Delete the user's stored sessions, except `keep` (the session making the request)."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key != keep and session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


# --- Password reset ("forgot your password?") ----------------------------------------------------


def request_password_reset(*, ip: str, email: str) -> None:
    """Mail a reset link if an active account has exactly this address (any case).

    The caller learns nothing: the same answer, in about the same time, whether or not the account
    exists. The link goes only to the address stored on the account, never to the one in the
    request (GitLab CVE-2023-7028), and in the account's language.
    """
    email = (email or "").strip()
    # The address hashed: any length fits the key, and what strangers typed is not kept.
    keys = [f"reset:ip:{ip}", f"reset:account:{hash_secret(email.lower())[:32]}"]
    plain = secrets.token_urlsafe(32)
    token_hash = hash_secret(plain)
    with transaction.atomic():  # the count and the link in one commit, on either path
        ratelimit.hit(keys)  # every request counts: a mail is sent on each
        users = list(User.objects.filter(email__iexact=email, is_active=True)[:2]) if email else []
        if len(users) != 1:
            return
        now = timezone.now()
        reset = PasswordReset.objects.create(
            user=users[0],
            token_hash=token_hash,
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.PASSWORD_RESET_TTL_MINUTES),
            requested_ip=_ip_or_none(ip),
        )
        transaction.on_commit(lambda: _send_password_reset(reset, plain))


def _ip_or_none(ip: str) -> str | None:
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


def _send_password_reset(reset: PasswordReset, plain: str) -> None:
    """Mail the link from a thread of its own: the answer must not wait for the SMTP conversation,
    whose length would tell that the account exists. The thread reads no database."""
    user = reset.user
    language, address, name, expires_at = user.language, user.email, str(user), reset.expires_at
    url = f"{settings.SITE_URL}/password-reset/{plain}/"

    def send() -> None:
        with translation.override(language):
            context = {"name": name, "url": url, "expires_at": expires_at}
            message = EmailMessage(
                subject=_("Reset your Cadence password"),
                body=render_to_string("accounts/email/password_reset.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
                headers={"Content-Language": language},
            )
        try:
            message.send()
        except Exception as error:  # the person can ask again; nothing to undo
            logger.warning("The password reset mail of user %s was not sent: %r", reset.user_id, error)

    threading.Thread(target=send, name=RESET_MAIL_THREAD, daemon=True).start()


def _reset_link_not_open() -> NotFound:
    return NotFound(_("This password reset link is not valid any more: it was used, it expired, or it is wrong."))


def open_password_reset(plain: str, *, ip: str) -> PasswordReset:
    """The reset a token opens, if it is unused and not expired; else NotFound.

    Wrong, used and expired tokens count as failures of the IP (and of the token), like a wrong
    password: after ten, the IP is locked for a while.
    """
    token_hash = hash_secret(plain)
    keys = [f"reset-open:ip:{ip}", f"reset-open:{token_hash[:16]}"]
    ratelimit.check(keys)
    reset = PasswordReset.objects.select_related("user").filter(token_hash=token_hash).first()
    if (
        reset is None
        or not reset.is_open
        or not reset.user.is_active
        or not constant_time_compare(reset.token_hash, token_hash)
    ):
        ratelimit.record_failure(keys)
        raise _reset_link_not_open()
    return reset


def complete_password_reset(plain: str, *, new_password: str, ip: str) -> None:
    """Set the new password: the link is used up, every other open link of the account dies, every
    API token is revoked and every session of the account ends (whoever used the old password is
    signed out)."""
    reset = open_password_reset(plain, ip=ip)  # outside the transaction: its failure count must stay
    user = reset.user
    _check_password(new_password, user, "new_password")
    now = timezone.now()
    with transaction.atomic():
        claimed = PasswordReset.objects.filter(pk=reset.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        if not claimed:  # used by a request that ran at the same time
            raise _reset_link_not_open()
        PasswordReset.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoke_tokens(user)
    end_sessions(user)


# --- API tokens --------------------------------------------------------------------------------


def create_token(user: User, *, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """A new token; the plain text is returned once and never stored."""
    ratelimit.hit([f"token:account:{user.pk}"])
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": _("This field is required.")})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + datetime.timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken.objects.create(
        user=user, name=name, prefix=plain[:10], token_hash=hash_secret(plain), expires_at=expires_at
    )
    return token, plain


def user_for_token(plain: str, *, ip: str) -> User | None:
    """The user of a valid bearer token, else None.

    A wrong token of our format counts as a failure of the address, like a wrong password; a
    locked address is refused before its token is looked at, so the answer tells nothing about the
    token. A value not in our format is refused without a look-up and is no guess: it is not
    counted (a client misconfigured with another service's token does not lock its address)."""
    keys = [f"token-auth:ip:{ip}"]
    ratelimit.check(keys)
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(token_hash=hash_secret(plain), revoked_at__isnull=True).first()
    )
    now = timezone.now()
    if token is None or not token.user.is_active or (token.expires_at and token.expires_at <= now):
        ratelimit.record_failure(keys)
        return None
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(user: User, token_id: int) -> None:
    if not ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        raise NotFound()


def revoke_tokens(user: User) -> None:
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


# --- Workspaces and members --------------------------------------------------------------------


def create_workspace(user: User, *, name: str, slug: str) -> Workspace:
    name, slug = name.strip(), slug.strip().lower()
    if not name:
        raise ValidationFailed({"name": _("This field is required.")})
    if not _SLUG.match(slug):
        raise ValidationFailed({"slug": _("Use lowercase letters, digits and dashes (up to 50).")})
    with transaction.atomic():
        if Workspace.objects.filter(slug=slug).exists():
            raise ValidationFailed({"slug": _("This slug is taken.")})
        workspace = Workspace.objects.create(name=name, slug=slug)
        membership = Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
        record(membership, "created", workspace)
    return workspace


def update_workspace(actor: Membership, *, version: int, name: str = UNSET, description: str = UNSET) -> Workspace:
    require(actor, "workspace.edit")
    workspace = actor.workspace
    fields = [f for f, v in (("name", name), ("description", description)) if v is not UNSET]
    before = snapshot(workspace, fields)
    if name is not UNSET:
        if not name.strip():
            raise ValidationFailed({"name": _("This field is required.")})
        workspace.name = name.strip()
    if description is not UNSET:
        workspace.description = description
    with transaction.atomic():
        save_versioned(workspace, expected_version=version, fields=fields)
        record(actor, "updated", workspace, diff(before, snapshot(workspace, fields)))
    return workspace


def _department_in_workspace(actor: Membership, department_id: int | None, field: str) -> Department | None:
    if department_id is None:
        return None
    department = Department.objects.filter(pk=department_id, workspace_id=actor.workspace_id).first()
    if department is None:
        raise ValidationFailed({field: _("No such department in this workspace.")})
    return department


def _member_user(actor: Membership, user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = active_member_user(actor.workspace, user_id)
    if user is None:
        raise ValidationFailed({field: _("No such member in this workspace.")})
    return user


def change_member(
    actor: Membership,
    member: Membership,
    *,
    version: int,
    role: str = UNSET,
    department_id: int | None = UNSET,
    title: str = UNSET,
) -> Membership:
    require(actor, "member.manage")
    if not outranks_or_equals(actor.role, member.role):
        raise PermissionDenied(_("You cannot change a member whose role is above yours."))
    fields = []
    if role is not UNSET:
        if role not in Role.values:
            raise ValidationFailed({"role": _("Choose one of: %(choices)s.") % {"choices": ", ".join(Role.values)}})
        if not outranks_or_equals(actor.role, role):
            raise PermissionDenied(_("You cannot grant a role above your own."))
        if member.pk == actor.pk and role != member.role:
            raise ValidationFailed({"role": _("You cannot change your own role.")})
        member.role = role
        fields.append("role")
    if department_id is not UNSET:
        member.department = _department_in_workspace(actor, department_id, "department_id")
        fields.append("department")
    if title is not UNSET:
        member.title = title.strip()
        fields.append("title")
    before = snapshot(Membership.objects.get(pk=member.pk), fields)
    with transaction.atomic():
        save_versioned(member, expected_version=version, fields=fields)
        record(actor, "updated", member, diff(before, snapshot(member, fields)))
    return member


def add_member(actor: Membership, *, user: User, role: str = Role.MEMBER) -> Membership:
    """Add an existing account directly (set-up, imports); people are otherwise invited."""
    require(actor, "member.manage")
    if not outranks_or_equals(actor.role, role):
        raise PermissionDenied(_("You cannot grant a role above your own."))
    with transaction.atomic():
        membership = Membership.objects.create(workspace_id=actor.workspace_id, user=user, role=role)
        record(actor, "added", membership, {"role": [None, role]})
    return membership


def remove_member(actor: Membership, member: Membership) -> None:
    """Take away all access at once; the member's history stays.

    Sessions and API tokens belong to the person, not to a workspace, and every request checks the
    membership of the workspace it names: removed from one workspace of several, the person keeps
    them for the others. Removed from the last one, they have no reason left: they end."""
    require(actor, "member.manage")
    if not outranks_or_equals(actor.role, member.role):
        raise PermissionDenied(_("You cannot remove a member whose role is above yours."))
    if member.pk == actor.pk:
        raise ValidationFailed({"member": _("You cannot remove yourself.")})
    with transaction.atomic():
        Membership.objects.filter(pk=member.pk).update(removed_at=timezone.now(), version=member.version + 1)
        TeamMember.objects.filter(team__workspace_id=actor.workspace_id, user_id=member.user_id).delete()
        record(actor, "removed", member, {"role": [member.role, None]})
        if not Membership.objects.filter(user_id=member.user_id, removed_at__isnull=True).exists():
            revoke_tokens(member.user)
            end_sessions(member.user)


# --- Invitations -------------------------------------------------------------------------------


def invite(actor: Membership, *, email: str, role: str, department_id: int | None = None) -> Invitation:
    """Create an invitation and mail its link to the address; the token is never returned."""
    require(actor, "member.manage")
    email = User.objects.normalize_email(email).strip().lower()
    if role not in Role.values:
        raise ValidationFailed({"role": _("Choose one of: %(choices)s.") % {"choices": ", ".join(Role.values)}})
    if not outranks_or_equals(actor.role, role):
        raise PermissionDenied(_("You cannot grant a role above your own."))
    department = _department_in_workspace(actor, department_id, "department_id")
    if Membership.objects.filter(
        workspace_id=actor.workspace_id, user__email__iexact=email, removed_at__isnull=True
    ).exists():
        raise ValidationFailed({"email": _("This person is already a member.")})
    plain = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            workspace_id=actor.workspace_id,
            email=email,
            role=role,
            department=department,
            token_hash=hash_secret(plain),
            invited_by=actor.user,
            expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_TTL_DAYS),
        )
        record(actor, "invited", actor.workspace, {"invitation": [None, email], "role": [None, role]})
        transaction.on_commit(lambda: _send_invitation(invitation, plain, actor))
    return invitation


def _send_invitation(invitation: Invitation, plain: str, actor: Membership) -> None:
    invitee = User.objects.filter(email__iexact=invitation.email).first()
    language = invitee.language if invitee else actor.user.language
    with translation.override(language):
        context = {
            "invitation": invitation,
            "inviter": actor.user,
            "workspace": actor.workspace,
            "url": f"{settings.SITE_URL}/invite/{plain}",
        }
        send_mail(
            subject=_("%(name)s invited you to %(workspace)s on Cadence")
            % {"name": actor.user, "workspace": actor.workspace.name},
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[invitation.email],
            fail_silently=True,  # the invitation stays; it can be sent again
        )


def open_invitation(plain: str, *, ip: str) -> Invitation:
    """The invitation a token opens, if it is still open; else NotFound.

    A wrong, used or expired token counts as a failure of the IP, like a wrong password: guessing
    tokens locks the guesser out for a while. Call it outside a transaction, so the count stays.
    """
    keys = [f"invite:ip:{ip}", f"invite:{hash_secret(plain)[:16]}"]
    ratelimit.check(keys)
    invitation = Invitation.objects.select_related("workspace").filter(token_hash=hash_secret(plain)).first()
    if (
        invitation is None
        or not invitation.is_open
        or not constant_time_compare(invitation.token_hash, hash_secret(plain))
    ):
        ratelimit.record_failure(keys)
        raise NotFound(_("This invitation is not valid any more."))
    return invitation


def accept_invitation(
    plain: str, *, ip: str, user: User | None, username: str = "", password: str = "", display_name: str = ""
) -> Membership:
    """Join the workspace. A signed-in user must own the invited address; a new person signs up."""
    ratelimit.hit([f"accept:ip:{ip}"])
    invitation = open_invitation(plain, ip=ip)
    with transaction.atomic():
        if user is None or not user.is_authenticated:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise Unauthenticated(_("An account with this email exists: sign in first, then open the link again."))
            user = create_user(email=invitation.email, username=username, password=password, display_name=display_name)
        elif user.email.lower() != invitation.email.lower():
            raise PermissionDenied(_("This invitation was sent to another email address."))
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now(), accepted_by=user
        )
        if not claimed:
            raise NotFound(_("This invitation is not valid any more."))
        membership, created = Membership.objects.get_or_create(
            workspace=invitation.workspace,
            user=user,
            defaults={"role": invitation.role, "department": invitation.department},
        )
        if not created:
            if membership.removed_at is None:
                raise ValidationFailed({"token": _("You are already a member of this workspace.")})
            Membership.objects.filter(pk=membership.pk).update(
                removed_at=None, role=invitation.role, department=invitation.department, version=membership.version + 1
            )
            membership.refresh_from_db()
        record(membership, "joined", membership, {"role": [None, membership.role]})
    return membership


def revoke_invitation(actor: Membership, invitation: Invitation) -> None:
    require(actor, "member.manage")
    with transaction.atomic():
        if not Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        ):
            raise ValidationFailed({"invitation": _("This invitation is no longer open.")})
        record(actor, "invitation_revoked", actor.workspace, {"invitation": [invitation.email, None]})


# --- Departments -------------------------------------------------------------------------------


def _check_parent(actor: Membership, department: Department | None, parent_id: int | None) -> Department | None:
    parent = _department_in_workspace(actor, parent_id, "parent_id")
    if parent is not None and department is not None:
        # Walk up from the new parent: meeting the department itself would make a cycle.
        seen: set[int] = set()
        node: Department | None = parent
        while node is not None and node.pk not in seen:
            if node.pk == department.pk:
                raise ValidationFailed({"parent_id": _("A department cannot be inside itself.")})
            seen.add(node.pk)
            node = node.parent
    return parent


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": _("This field is required.")})
    return name


DEPARTMENT_FIELDS = ["name", "parent", "head", "description"]


def create_department(
    actor: Membership, *, name: str, parent_id: int | None = None, head_id: int | None = None, description: str = ""
) -> Department:
    require(actor, "department.edit")
    with transaction.atomic():
        department = Department.objects.create(
            workspace_id=actor.workspace_id,
            name=_check_name(name),
            parent=_check_parent(actor, None, parent_id),
            head=_member_user(actor, head_id, "head_id"),
            description=description,
        )
        record(actor, "created", department, diff({}, snapshot(department, DEPARTMENT_FIELDS)))
    return department


def update_department(
    actor: Membership,
    department: Department,
    *,
    version: int,
    name: str = UNSET,
    parent_id: int | None = UNSET,
    head_id: int | None = UNSET,
    description: str = UNSET,
) -> Department:
    require(actor, "department.edit")
    before = snapshot(department, DEPARTMENT_FIELDS)
    if name is not UNSET:
        department.name = _check_name(name)
    if parent_id is not UNSET:
        department.parent = _check_parent(actor, department, parent_id)
    if head_id is not UNSET:
        department.head = _member_user(actor, head_id, "head_id")
    if description is not UNSET:
        department.description = description
    changes = diff(before, snapshot(department, DEPARTMENT_FIELDS))
    with transaction.atomic():
        save_versioned(department, expected_version=version, fields=DEPARTMENT_FIELDS)
        record(actor, "updated", department, changes)
    return department


def delete_department(actor: Membership, department: Department) -> None:
    require(actor, "department.edit")
    if Department.objects.filter(parent=department).exists():
        raise ValidationFailed({"department": _("Move or delete its sub-departments first.")})
    soft_delete(actor, department)


# --- Teams -------------------------------------------------------------------------------------

TEAM_FIELDS = ["name", "kind", "description", "lead"]


def _set_team_members(actor: Membership, team: Team, user_ids: list[int]) -> dict[str, list[Any]]:
    wanted = set(user_ids)
    valid = set(
        Membership.objects.filter(
            workspace_id=actor.workspace_id, removed_at__isnull=True, user_id__in=wanted
        ).values_list("user_id", flat=True)
    )
    if wanted - valid:
        raise ValidationFailed({"member_ids": _("No such member in this workspace.")})
    current = set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
    TeamMember.objects.filter(team=team, user_id__in=current - wanted).delete()
    TeamMember.objects.bulk_create([TeamMember(team=team, user_id=uid) for uid in sorted(wanted - current)])
    return {"members": [sorted(current), sorted(wanted)]} if current != wanted else {}


def _check_kind(kind: str) -> str:
    if kind not in TeamKind.values:
        raise ValidationFailed({"kind": _("Choose one of: %(choices)s.") % {"choices": ", ".join(TeamKind.values)}})
    return kind


def create_team(
    actor: Membership,
    *,
    name: str,
    kind: str = TeamKind.TEAM,
    description: str = "",
    lead_id: int | None = None,
    member_ids: list[int] | None = None,
) -> Team:
    require(actor, "team.edit")
    with transaction.atomic():
        team = Team.objects.create(
            workspace_id=actor.workspace_id,
            name=_check_name(name),
            kind=_check_kind(kind),
            description=description,
            lead=_member_user(actor, lead_id, "lead_id"),
        )
        changes: dict[str, Any] = diff({}, snapshot(team, TEAM_FIELDS))
        changes.update(_set_team_members(actor, team, member_ids or []))
        record(actor, "created", team, changes)
    return team


def update_team(
    actor: Membership,
    team: Team,
    *,
    version: int,
    name: str = UNSET,
    kind: str = UNSET,
    description: str = UNSET,
    lead_id: int | None = UNSET,
    member_ids: list[int] = UNSET,
) -> Team:
    require(actor, "team.edit")
    before = snapshot(team, TEAM_FIELDS)
    if name is not UNSET:
        team.name = _check_name(name)
    if kind is not UNSET:
        team.kind = _check_kind(kind)
    if description is not UNSET:
        team.description = description
    if lead_id is not UNSET:
        team.lead = _member_user(actor, lead_id, "lead_id")
    with transaction.atomic():
        save_versioned(team, expected_version=version, fields=TEAM_FIELDS)
        changes: dict[str, Any] = diff(before, snapshot(team, TEAM_FIELDS))
        if member_ids is not UNSET:
            changes.update(_set_team_members(actor, team, member_ids))
        record(actor, "updated", team, changes)
    return team


def delete_team(actor: Membership, team: Team) -> None:
    require(actor, "team.edit")
    soft_delete(actor, team)
