"""Forgot your password? A link by mail: single use, expires, only to the account's own address,
the same answer for an unknown address, rate-limited, and every session ends after the reset."""

import datetime
import re
import threading
import time
from email.header import decode_header, make_header
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts import services
from accounts.models import PasswordReset, User
from conftest import PASSWORD, make_user
from core.errors import NotFound, ValidationFailed
from core.models import Throttle

NEW_PASSWORD = "A-brand-new-passphrase-9"
FORM = "application/x-www-form-urlencoded"


def token_from(text: str) -> str:
    match = re.search(r"/password-reset/([A-Za-z0-9_\-]+)/", text)
    assert match, text
    return match.group(1)


def sent() -> list[Any]:
    """The reset mails sent so far (not the world's invitation), once every mailing thread is done."""
    for thread in threading.enumerate():
        if thread.name == services.RESET_MAIL_THREAD:
            thread.join(10)
    return [m for m in mail.outbox if "/password-reset/" in m.body]


def ask(client: Client, email: str | list[str], **extra: Any) -> Any:
    """Post the "forgot your password?" form, running what waits for the commit."""
    body = urlencode({"email": email}, doseq=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/password-reset/", body, content_type=FORM, **extra)


def ask_for_token(client: Client, user: User) -> str:
    before = len(sent())
    response = ask(client, user.email)
    assert response.status_code == 302
    messages = sent()
    assert len(messages) == before + 1
    return token_from(messages[-1].body)


def set_password(client: Client, token: str, password: str = NEW_PASSWORD, again: str | None = None) -> Any:
    body = {"new_password": password, "new_password_again": password if again is None else again}
    return client.post(f"/password-reset/{token}/", body)


def log_in(email: str, password: str = PASSWORD, ip: str = "127.0.0.1") -> tuple[Client, Any]:
    client = Client(REMOTE_ADDR=ip)
    return client, client.post("/login/", {"email": email, "password": password})


def signed_in(client: Client) -> bool:
    return client.get("/account/").status_code == 200


@pytest.fixture
def smtp(smtp_server: Any, settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    return smtp_server


# --- The mail --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "unit"), [("zh-hans", "分钟"), ("en", "minutes")])
def test_the_link_reaches_a_real_smtp_server_in_the_users_language(
    world: Any, smtp: Any, settings: Any, language: str, unit: str
) -> None:
    user = world.users["owner"]
    services.update_profile(user, version=user.version, language=language)
    response = ask(Client(), "alice@example.test")
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    message = smtp.wait_for(1)[0]
    assert message["To"] == "alice@example.test"
    assert message["Content-Language"] == language
    with translation.override(language):
        assert str(make_header(decode_header(message["Subject"]))) == gettext("Reset your Cadence password")
    body = message.get_payload(decode=True).decode()
    token = token_from(body)
    assert f"{settings.SITE_URL}/password-reset/{token}/" in body
    assert unit in body  # the expiry, worded by Django's own catalogue in the user's language
    # Only a hash is stored; the link opens the reset of this user.
    reset = PasswordReset.objects.get(user=user)
    assert reset.token_hash == services.hash_secret(token) and token not in reset.token_hash
    assert services.open_password_reset(token, ip="10.0.0.1").user == user


def test_the_answer_does_not_wait_for_the_mail(world: Any, monkeypatch: Any) -> None:
    """An SMTP conversation would tell, by its time, that the account exists."""
    from django.core.mail.backends.locmem import EmailBackend

    release = threading.Event()
    send_messages = EmailBackend.send_messages

    def slow(self: Any, messages: Any) -> int:
        release.wait(10)
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow)
    started = time.monotonic()
    response = ask(Client(), "alice@example.test")
    assert response.status_code == 302
    assert time.monotonic() - started < 5
    release.set()
    assert [m.to for m in sent()] == [["alice@example.test"]]


# --- Using the link --------------------------------------------------------------------------------


def test_the_link_works_once(world: Any) -> None:
    user, anyone = world.users["member"], Client()
    token = ask_for_token(anyone, user)
    page = anyone.get(f"/password-reset/{token}/")
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "strict-origin"  # a Referer never carries the token
    assert "no-store" in page["Cache-Control"]
    assert token not in page.content.decode()
    done = set_password(anyone, token)
    assert done.status_code == 302 and done["Location"] == "/login/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert PasswordReset.objects.get(user=user).used_at is not None

    again = set_password(Client(), token, "Yet-another-passphrase-3")
    assert again.status_code == 404
    assert again["Referrer-Policy"] == "strict-origin"
    assert 'href="/password-reset/"' in again.content.decode()  # a way to ask for a new link
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    with pytest.raises(NotFound):
        services.complete_password_reset(token, new_password="Yet-another-passphrase-3", ip="10.0.0.1")


def test_an_expired_link_fails(world: Any, settings: Any) -> None:
    user = world.users["member"]
    token = ask_for_token(Client(), user)
    reset = PasswordReset.objects.get(user=user)
    assert reset.expires_at - reset.created_at == datetime.timedelta(minutes=settings.PASSWORD_RESET_TTL_MINUTES)
    PasswordReset.objects.filter(pk=reset.pk).update(expires_at=timezone.now())
    page = Client().get(f"/password-reset/{token}/")
    assert page.status_code == 404
    assert 'href="/password-reset/"' in page.content.decode()
    assert set_password(Client(), token).status_code == 404
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_wrong_token_fails(world: Any) -> None:
    token = ask_for_token(Client(), world.users["member"])
    for n, wrong in enumerate(("x", token[:-1], token + "x", token.upper(), "a" * 500)):
        client = Client(REMOTE_ADDR=f"10.6.0.{n + 1}")
        assert client.get(f"/password-reset/{wrong}/").status_code == 404
        assert set_password(client, wrong).status_code == 404
    world.users["member"].refresh_from_db()
    assert world.users["member"].check_password(PASSWORD)


def test_after_a_reset_the_old_password_fails_the_new_one_works_and_every_session_ends(world: Any) -> None:
    user = world.users["member"]
    laptop, response = log_in(user.email)
    assert response.status_code == 302
    phone, _ = log_in(user.email)
    assert signed_in(laptop) and signed_in(phone)
    token = ask_for_token(Client(), user)
    assert set_password(Client(), token).status_code == 302
    # The stored sessions are gone, not only refused for their stale password hash.
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    assert not signed_in(laptop) and not signed_in(phone)
    assert log_in(user.email, PASSWORD)[1].status_code == 422
    new, response = log_in(user.email, NEW_PASSWORD)
    assert response.status_code == 302 and signed_in(new)


def test_a_reset_revokes_every_api_token(world: Any) -> None:
    user = world.users["member"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['member']}")
    assert bearer.get("/api/v1/me").status_code == 200
    assert set_password(Client(), ask_for_token(Client(), user)).status_code == 302
    assert bearer.get("/api/v1/me").status_code == 401
    assert not user.api_tokens.filter(revoked_at__isnull=True).exists()


def test_a_signed_in_person_may_reset_too_and_is_signed_out(world: Any) -> None:
    user = world.users["member"]
    client, _ = log_in(user.email)
    token = ask_for_token(client, user)
    assert client.get(f"/password-reset/{token}/").status_code == 200
    done = set_password(client, token)
    assert done.status_code == 302
    assert not signed_in(client)
    with translation.override(user.language):  # the language the request ran in
        notice = gettext("Your password was changed and every session was signed out. Sign in with the new password.")
    assert notice in client.get(done["Location"]).content.decode()


def test_a_reset_ends_the_other_open_links_of_the_account(world: Any) -> None:
    user = world.users["member"]
    first, second = ask_for_token(Client(), user), ask_for_token(Client(), user)
    assert set_password(Client(), second).status_code == 302
    assert Client().get(f"/password-reset/{first}/").status_code == 404
    assert not PasswordReset.objects.filter(user=user, used_at__isnull=True).exists()


def test_a_weak_new_password_is_refused_with_the_field_named_and_changes_nothing(world: Any) -> None:
    user = world.users["member"]
    other, _ = log_in(user.email)
    token = ask_for_token(Client(), user)
    for weak in ("123", "password123", "member@example.test"):
        response = set_password(Client(), token, weak)
        assert response.status_code == 422
        assert 'id="id_new_password_error"' in response.content.decode()
    assert set_password(Client(), token, NEW_PASSWORD, again="Something-else-entirely-1").status_code == 422
    with pytest.raises(ValidationFailed) as e:
        services.complete_password_reset(token, new_password="123", ip="10.0.0.1")
    assert list(e.value.errors) == ["new_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert signed_in(other)
    assert PasswordReset.objects.get(user=user).used_at is None  # still usable with a good password
    assert set_password(Client(), token).status_code == 302


# --- What the request may and may not do -----------------------------------------------------------


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(world: Any) -> None:
    known = ask(Client(), "alice@example.test")
    unknown = ask(Client(), "nobody@example.test")
    assert (known.status_code, known["Location"], known.content) == (
        unknown.status_code,
        unknown["Location"],
        unknown.content,
    )
    assert [m.to for m in sent()] == [["alice@example.test"]]
    assert PasswordReset.objects.count() == 1
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(unknown["Location"])
    assert page.status_code == 200 and "If an account uses this address" in page.content.decode()


def test_an_inactive_account_gets_no_link(world: Any) -> None:
    User.objects.filter(pk=world.users["member"].pk).update(is_active=False)
    assert ask(Client(), world.users["member"].email).status_code == 302
    assert sent() == [] and not PasswordReset.objects.exists()


@pytest.mark.parametrize(
    "email",
    [
        "ALICE@EXAMPLE.TEST",
        " Alice@Example.Test ",
        ["alice@example.test", "evil@example.test"],
        ["evil@example.test", "alice@example.test"],
        ["ALICE@example.test", "evil@example.test", "alice@example.test"],
    ],
)
def test_the_mail_goes_only_to_the_accounts_own_address(world: Any, email: str | list[str]) -> None:
    """GitLab CVE-2023-7028: whatever the request says, the link goes to the stored address alone."""
    response = ask(Client(), email)
    assert response.status_code == 302
    for message in sent():
        assert message.recipients() == ["alice@example.test"]
    assert "evil@example.test" not in str([m.message() for m in sent()])


@pytest.mark.parametrize(
    "email", ["alice@example.test,evil@example.test", "alice@example.test;evil@example.test", "alice@example.test evil"]
)
def test_several_addresses_in_one_field_are_refused_and_nothing_is_sent(world: Any, email: str) -> None:
    response = ask(Client(), email)
    assert response.status_code == 422
    services.request_password_reset(ip="10.0.0.1", email=email)
    assert sent() == [] and not PasswordReset.objects.exists()


def test_the_stored_address_is_used_as_stored(db: Any) -> None:
    """Matched in any case (and, on PostgreSQL, by Unicode case folding, like `ı` for `i`), but the
    mail goes to the spelling stored on the account, never to the one typed."""
    make_user("dana")
    User.objects.filter(username="dana").update(email="Dana.Smith@example.test")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.request_password_reset(ip="10.0.0.1", email="dana.smith@EXAMPLE.test")
        services.request_password_reset(ip="10.0.0.1", email="dana.smıth@example.test")  # dotless ı
    messages = sent()
    assert messages and all(m.recipients() == ["Dana.Smith@example.test"] for m in messages)


def test_the_form_needs_the_csrf_token(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    assert ask(client, "alice@example.test").status_code == 403
    assert sent() == [] and not PasswordReset.objects.exists()


# --- Rate limits (SECURITY.md rule 9) ----------------------------------------------------------------


def test_the_eleventh_request_from_one_ip_is_refused_and_nothing_is_sent(world: Any, settings: Any) -> None:
    client = Client(REMOTE_ADDR="10.9.9.9", HTTP_ACCEPT_LANGUAGE="en")
    for n in range(settings.THROTTLE_MAX_FAILURES):
        assert ask(client, f"nobody{n}@example.test").status_code == 302
    refused = ask(client, "alice@example.test")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert sent() == [] and not PasswordReset.objects.exists()
    lock = Throttle.objects.get(key="reset:ip:10.9.9.9")
    assert lock.locked_until is not None and lock.locked_until - timezone.now() >= datetime.timedelta(minutes=10)
    # Another IP is not locked.
    assert ask(Client(REMOTE_ADDR="10.9.9.10"), "alice@example.test").status_code == 302
    assert len(sent()) == 1


def test_the_eleventh_request_for_one_account_is_refused_from_any_ip(world: Any, settings: Any) -> None:
    limit = settings.THROTTLE_MAX_FAILURES
    for n in range(limit):
        assert ask(Client(REMOTE_ADDR=f"10.8.0.{n + 1}"), "alice@example.test").status_code == 302
    assert ask(Client(REMOTE_ADDR="10.8.1.1"), "Alice@Example.test").status_code == 429
    assert len(sent()) == limit


def test_guessing_tokens_locks_the_ip(world: Any, settings: Any) -> None:
    token = ask_for_token(Client(), world.users["member"])
    guesser = Client(REMOTE_ADDR="10.7.7.7")
    for n in range(settings.THROTTLE_MAX_FAILURES):
        assert guesser.get(f"/password-reset/guess{n}/").status_code == 404
    locked = guesser.get(f"/password-reset/{token}/")
    assert locked.status_code == 429
    assert locked["Referrer-Policy"] == "strict-origin"
    assert set_password(guesser, token).status_code == 429
    world.users["member"].refresh_from_db()
    assert world.users["member"].check_password(PASSWORD)
    assert Client(REMOTE_ADDR="10.7.7.8").get(f"/password-reset/{token}/").status_code == 200
