import datetime
from typing import Any

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, Invitation, Membership, User
from conftest import PASSWORD, invitation_token_from
from core.errors import PermissionDenied, RateLimited, ValidationFailed
from core.models import Activity


def api(world: Any, role: str) -> Client:
    return world.client(role)


def test_passwords_are_hashed_with_argon2(db: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = services.create_user(email="a@example.test", username="ann", password="Sufficiently-long-1")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("Sufficiently-long-1")


def test_weak_passwords_are_refused_with_the_field_named(db: Any) -> None:
    with pytest.raises(ValidationFailed) as e:
        services.create_user(email="a@example.test", username="ann", password="123")
    assert "password" in e.value.errors
    assert not User.objects.exists()


def test_login_locks_the_account_and_ip_after_ten_failures(db: Any, settings: Any) -> None:
    user = services.create_user(email="a@example.test", username="ann", password=PASSWORD, check_password=False)
    for _ in range(settings.THROTTLE_MAX_FAILURES):
        with pytest.raises(ValidationFailed):
            services.authenticate_login(ip="10.0.0.1", email=user.email, password="wrong")
    # Locked: even the right password is refused, from any IP, for at least ten minutes.
    with pytest.raises(RateLimited) as e:
        services.authenticate_login(ip="10.0.0.2", email=user.email, password=PASSWORD)
    assert e.value.retry_after >= 600
    assert settings.THROTTLE_LOCK_SECONDS >= 600


def test_successful_login_resets_the_accounts_failure_count(db: Any) -> None:
    user = services.create_user(email="a@example.test", username="ann", password=PASSWORD, check_password=False)
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            services.authenticate_login(ip="10.0.0.1", email=user.email, password="wrong")
    assert services.authenticate_login(ip="10.0.0.2", email=user.email, password=PASSWORD) == user
    for _ in range(9):
        with pytest.raises(ValidationFailed):
            services.authenticate_login(ip="10.0.0.3", email=user.email, password="wrong")
    assert services.authenticate_login(ip="10.0.0.3", email=user.email, password=PASSWORD) == user


def test_signing_in_to_ones_own_account_does_not_reset_the_addresss_failures(db: Any, settings: Any) -> None:
    """One valid account must not let an address try passwords on every other account forever."""
    mine = services.create_user(email="me@example.test", username="me", password=PASSWORD, check_password=False)
    victims = [
        services.create_user(email=f"v{n}@example.test", username=f"v{n}", password=PASSWORD, check_password=False)
        for n in range(2)
    ]
    for _ in range(settings.THROTTLE_MAX_FAILURES - 1):
        with pytest.raises(ValidationFailed):
            services.authenticate_login(ip="10.0.0.1", email=victims[0].email, password="guess")
    assert services.authenticate_login(ip="10.0.0.1", email=mine.email, password=PASSWORD) == mine
    with pytest.raises(ValidationFailed):
        services.authenticate_login(ip="10.0.0.1", email=victims[1].email, password="guess")
    with pytest.raises(RateLimited) as e:  # the address is locked, for its own account too
        services.authenticate_login(ip="10.0.0.1", email=mine.email, password=PASSWORD)
    assert e.value.retry_after >= 600
    assert services.authenticate_login(ip="10.0.0.2", email=mine.email, password=PASSWORD) == mine


def test_guessing_bearer_tokens_locks_the_address(world: Any, settings: Any) -> None:
    def from_ip(ip: str, token: str) -> Client:
        return Client(REMOTE_ADDR=ip, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="zh-hans")

    for n in range(settings.THROTTLE_MAX_FAILURES):
        assert from_ip("10.9.9.9", f"cad_guess{n}").get("/api/v1/me").status_code == 401
    # Locked: even a valid token is refused from this address (the answer tells nothing), in Chinese.
    locked = from_ip("10.9.9.9", world.tokens["member"]).get("/api/v1/me")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) >= 600
    assert locked.json()["title"] == "尝试次数过多，请稍后再试。"
    assert from_ip("10.9.9.8", world.tokens["member"]).get("/api/v1/me").status_code == 200


def test_api_token_is_shown_once_stored_hashed_and_revocable(world: Any) -> None:
    client = api(world, "member")
    created = client.post("/api/v1/me/tokens", {"name": "laptop"}, content_type="application/json")
    assert created.status_code == 201
    plain = created.json()["token"]
    assert plain.startswith("cad_")
    token = ApiToken.objects.get(pk=created.json()["id"])
    assert plain not in token.token_hash and token.token_hash == services.hash_secret(plain)
    listed = client.get("/api/v1/me/tokens").content.decode()
    assert plain not in listed and "laptop" in listed
    assert Client(HTTP_AUTHORIZATION=f"Bearer {plain}").get("/api/v1/me").status_code == 200
    assert client.delete(f"/api/v1/me/tokens/{token.pk}").status_code == 204
    assert Client(HTTP_AUTHORIZATION=f"Bearer {plain}").get("/api/v1/me").status_code == 401


def test_nobody_revokes_another_persons_token(world: Any) -> None:
    other = world.spare_tokens["member"]
    assert api(world, "owner").delete(f"/api/v1/me/tokens/{other.pk}").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_expired_tokens_do_not_authenticate(world: Any) -> None:
    token, plain = services.create_token(world.users["member"], name="short", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {plain}").get("/api/v1/me").status_code == 401


def test_roles_respect_rank(world: Any) -> None:
    admin, member = world.actor("admin"), world.actor("member")
    with pytest.raises(PermissionDenied):
        services.change_member(admin, world.members["extra"], version=world.members["extra"].version, role="owner")
    with pytest.raises(PermissionDenied):  # an admin cannot demote the owner
        services.change_member(admin, world.members["owner"], version=world.members["owner"].version, role="member")
    with pytest.raises(PermissionDenied):  # a member cannot promote a guest
        services.change_member(member, world.members["guest"], version=world.members["guest"].version, role="member")
    with pytest.raises(PermissionDenied):
        services.invite(admin, email="boss@example.test", role="owner")
    changed = services.change_member(
        admin, world.members["guest"], version=world.members["guest"].version, role="admin"
    )
    assert changed.role == "admin"


def test_owner_cannot_change_own_role(world: Any) -> None:
    owner = world.actor("owner")
    with pytest.raises(ValidationFailed) as e:
        services.change_member(owner, owner, version=owner.version, role="member")
    assert "role" in e.value.errors


def test_removing_a_member_cuts_every_access_at_once(world: Any) -> None:
    session = Client()
    session.force_login(world.users["extra"])
    token_client = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['admin']}")
    assert session.get("/api/v1/workspaces/acme/members").status_code == 200
    services.remove_member(world.actor("owner"), world.members["admin"])
    services.remove_member(world.actor("owner"), world.members["extra"])
    # Acme was their only workspace: the session and the token are gone.
    assert session.get("/api/v1/workspaces/acme/members").status_code == 401
    assert token_client.get("/api/v1/workspaces/acme/members").status_code == 401
    assert Activity.objects.filter(verb="removed", target_id=world.members["extra"].pk).exists()


def test_removal_from_the_last_workspace_ends_every_session_and_token(world: Any) -> None:
    user = world.users["extra"]
    session = Client()
    session.force_login(user)
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {services.create_token(user, name='cli')[1]}")
    assert session.get("/api/v1/me").status_code == 200 and bearer.get("/api/v1/me").status_code == 200
    services.remove_member(world.actor("owner"), world.members["extra"])
    assert session.get("/api/v1/me").status_code == 401
    assert bearer.get("/api/v1/me").status_code == 401
    assert not user.api_tokens.filter(revoked_at__isnull=True).exists()


def test_removal_from_one_of_several_workspaces_keeps_the_credentials_for_the_others_only(world: Any) -> None:
    """Tokens and sessions belong to the person, not to a workspace: they stay for the workspaces
    the person is still in, and every request checks the membership of the workspace it names."""
    user = world.users["member"]
    services.add_member(world.actor("outsider_owner"), user=user)
    session = Client()
    session.force_login(user)
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['member']}")
    services.remove_member(world.actor("owner"), world.members["member"])
    for client in (session, bearer):
        assert client.get("/api/v1/workspaces/acme/members").status_code == 404
        assert client.get("/api/v1/workspaces/other/members").status_code == 200
    assert session.get("/w/acme/").status_code == 404
    assert session.get("/w/other/").status_code == 200


def _change_password(client: Client, **extra: Any) -> Any:
    body = {"current_password": PASSWORD, "new_password": "A-brand-new-passphrase-9", **extra}
    return client.post("/api/v1/me/password", body, content_type="application/json")


def test_a_password_change_revokes_every_api_token_unless_asked_to_keep_them(world: Any) -> None:
    session = Client()
    session.force_login(world.users["member"])
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['member']}")
    assert _change_password(session).status_code == 204
    assert bearer.get("/api/v1/me").status_code == 401
    assert not world.users["member"].api_tokens.filter(revoked_at__isnull=True).exists()

    keeper = world.users["admin"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['admin']}")
    assert _change_password(bearer, keep_tokens=True).status_code == 204
    assert bearer.get("/api/v1/me").status_code == 200
    assert keeper.api_tokens.filter(revoked_at__isnull=True).count() == 2


def test_the_password_page_revokes_tokens_by_default_and_offers_to_keep_them(world: Any) -> None:
    page = Client()
    page.force_login(world.users["member"])
    form = page.get("/account/password/").content.decode()
    assert 'name="keep_tokens"' in form and "checked" not in form.split('name="keep_tokens"')[1].split(">")[0]
    body = {"current_password": PASSWORD, "new_password": "A-brand-new-passphrase-9"}
    body["new_password_again"] = body["new_password"]
    assert page.post("/account/password/", body).status_code == 302
    assert not world.users["member"].api_tokens.filter(revoked_at__isnull=True).exists()

    keeper = Client()
    keeper.force_login(world.users["admin"])
    assert keeper.post("/account/password/", {**body, "keep_tokens": "on"}).status_code == 302
    assert world.users["admin"].api_tokens.filter(revoked_at__isnull=True).count() == 2


def test_password_change_ends_other_sessions(world: Any) -> None:
    user = world.users["member"]
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    response = laptop.post(
        "/api/v1/me/password",
        {"current_password": PASSWORD, "new_password": "A-brand-new-passphrase-9"},
        content_type="application/json",
    )
    assert response.status_code == 204
    assert laptop.get("/api/v1/me").status_code == 200
    assert phone.get("/api/v1/me").status_code == 401


def test_session_writes_need_the_csrf_token(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["owner"])
    response = client.post("/api/v1/workspaces/acme/departments", {"name": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert not world.acme.departments.filter(name="X").exists()


def _invite(world: Any, email: str, role: str = "member") -> str:
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invite(world.actor("admin"), email=email, role=role)
    message = mail.outbox[-1]
    assert message.to == [email]
    return invitation_token_from(message.body)


def test_invitation_token_never_appears_in_a_response(world: Any) -> None:
    client = api(world, "admin")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/api/v1/workspaces/acme/invitations", {"email": "dana@example.test"}, content_type="application/json"
        )
    token = invitation_token_from(mail.outbox[-1].body)
    assert token not in response.content.decode()
    assert token not in client.get("/api/v1/workspaces/acme/invitations").content.decode()
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_invitation_is_single_use_and_bound_to_the_address(world: Any) -> None:
    token = _invite(world, "dana@example.test")
    anyone = Client()
    # A signed-in person with another address cannot use it.
    response = api(world, "outsider").post(
        "/api/v1/invitations/accept", {"token": token}, content_type="application/json"
    )
    assert response.status_code == 403
    body = {"token": token, "username": "dana", "password": "Dana-long-passphrase-1", "display_name": "Dana"}
    response = anyone.post("/api/v1/invitations/accept", body, content_type="application/json")
    assert response.status_code == 200, response.content
    dana = User.objects.get(email="dana@example.test")
    assert Membership.objects.get(user=dana, workspace=world.acme).role == "member"
    again = anyone.post("/api/v1/invitations/accept", {**body, "username": "dana2"}, content_type="application/json")
    assert again.status_code == 404


def test_expired_and_revoked_invitations_do_not_open(world: Any) -> None:
    expired = _invite(world, "late@example.test")
    Invitation.objects.filter(email="late@example.test").update(expires_at=timezone.now())
    revoked = _invite(world, "gone@example.test")
    services.revoke_invitation(world.actor("admin"), Invitation.objects.get(email="gone@example.test"))
    for token in (expired, revoked):
        body = {"token": token, "username": "x" + token[:5].lower(), "password": "Long-enough-passphrase-1"}
        assert Client().post("/api/v1/invitations/accept", body, content_type="application/json").status_code == 404
    assert not User.objects.filter(email__in=["late@example.test", "gone@example.test"]).exists()


def test_guessing_invitation_tokens_locks_the_ip(world: Any, settings: Any) -> None:
    guesser = Client(REMOTE_ADDR="10.7.7.7")
    for n in range(settings.THROTTLE_MAX_FAILURES):
        assert guesser.get(f"/invite/guess{n}").status_code == 404
    # Locked: even the right token does not open for this IP; another IP still opens it.
    assert guesser.get(f"/invite/{world.invitation_token}").status_code == 429
    body = {"token": world.invitation_token, "username": "newbie", "password": "Long-enough-passphrase-1"}
    api = Client(REMOTE_ADDR="10.7.7.7").post("/api/v1/invitations/accept", body, content_type="application/json")
    assert api.status_code == 429 and not User.objects.filter(email="newbie@example.test").exists()
    assert Client(REMOTE_ADDR="10.7.7.8").get(f"/invite/{world.invitation_token}").status_code == 200


def test_invitation_email_reaches_a_real_smtp_server(world: Any, smtp_server: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invite(world.actor("admin"), email="sam@example.test", role="member")
    message = smtp_server.wait_for(1)[0]
    assert message["To"] == "sam@example.test"
    token = invitation_token_from(message.get_payload(decode=True).decode())
    assert services.open_invitation(token, ip="127.0.0.1").email == "sam@example.test"


def test_the_language_and_time_zone_are_validated(world: Any) -> None:
    client = api(world, "member")
    version = world.users["member"].version
    response = client.patch(
        "/api/v1/me", {"version": version, "time_zone": "Mars/Olympus"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "time_zone"
    response = client.patch("/api/v1/me", {"version": version, "language": "en"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["language"] == "en"
