"""How a person looks and sees: the theme they chose, and their picture."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 32


def client_for(world: Any, role: str = "member") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_the_theme_is_saved_and_rendered_into_the_page(world: Any) -> None:
    client = client_for(world)
    assert 'data-theme="system"' in client.get("/account/").content.decode()

    response = client.post("/theme/", {"theme": "dark", "next": "/account/tokens/"})
    assert response.status_code == 302 and response["Location"] == "/account/tokens/"
    assert fresh(world.users["member"]).theme == "dark"
    page = client.get("/account/").content.decode()
    assert 'data-theme="dark"' in page
    assert 'name="theme" value="dark" aria-pressed="true"' in page

    # A script's call (the palette, the menu with JavaScript) gets no page back.
    assert client.post("/theme/", {"theme": "light"}, headers={"HX-Request": "true"}).status_code == 204
    assert fresh(world.users["member"]).theme == "light"

    assert client.post("/theme/", {"theme": "purple"}).status_code == 400
    assert fresh(world.users["member"]).theme == "light"
    assert Client().post("/theme/", {"theme": "dark"}).status_code == 302  # to the login page


def test_the_theme_through_the_api(world: Any) -> None:
    client = client_for(world)
    version = fresh(world.users["member"]).version
    response = client.patch("/api/v1/me", {"version": version, "theme": "dark"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["theme"] == "dark"
    response = client.patch("/api/v1/me", {"version": version + 1, "theme": "x"}, content_type="application/json")
    assert response.status_code == 422


def test_a_picture_is_content_checked_and_replaces_the_initials(world: Any) -> None:
    client = client_for(world)
    upload = reverse("accounts:avatar-upload")
    fake = SimpleUploadedFile("me.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(upload, {"avatar": fake})
    assert response.status_code == 422 and "PNG, JPEG or WebP" in response.content.decode()
    big = SimpleUploadedFile("me.png", PNG + b"\x00" * (1024 * 1024), content_type="image/png")
    assert client.post(upload, {"avatar": big}).status_code == 422
    assert fresh(world.users["member"]).avatar == ""

    response = client.post(upload, {"avatar": SimpleUploadedFile("me.txt", WEBP, content_type="text/plain")})
    assert response.status_code == 302
    member = fresh(world.users["member"])
    assert member.avatar
    url = reverse("accounts:avatar", args=[member.pk, member.avatar[:8]])
    assert f'src="{url}"' in client.get("/account/").content.decode()

    picture = client.get(url)
    assert picture.status_code == 200 and picture["Content-Type"] == "image/webp"
    assert picture["X-Content-Type-Options"] == "nosniff" and picture["Content-Security-Policy"] == "sandbox"
    assert b"".join(picture.streaming_content) == WEBP  # type: ignore[attr-defined]

    # Seen by the people of a workspace they share, not by others.
    assert client_for(world, "guest").get(url).status_code == 200
    assert client_for(world, "outsider").get(url).status_code == 404
    assert Client().get(url).status_code == 302

    assert client.post(upload, {"remove": "1"}).status_code == 302
    assert fresh(world.users["member"]).avatar == ""
    assert client.get(url).status_code == 404
