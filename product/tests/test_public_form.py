"""The public feedback form, on the web and in the API: no login, only while the form is on,
rate-limited per IP and per product with real request sequences, spam-safe (honeypot), oversized
and malformed input refused with a clear message naming the field, and the text kept as text."""

import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from product.models import Customer, Feedback
from product.services import feedback, products

CLEAN = {"content": "The board is great.\nPlease add swimlanes.", "kind": "suggestion"}


def url_of(world: Any) -> str:
    return f"/feedback/{world.extra['product'].form_token}/"


def api_url(world: Any) -> str:
    return f"/api/v1/public/feedback/{world.extra['product'].form_token}"


def visitor(ip: str = "203.0.113.7") -> Client:
    """Someone without an account, reading English."""
    return Client(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")


def public_count() -> int:
    return Feedback.all_objects.filter(channel="public_form").count()


# --- The web form --------------------------------------------------------------------------------


def test_the_form_works_without_login(world: Any) -> None:
    client = visitor()
    response = client.get(url_of(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cadence App" in html and 'name="website"' in html and 'for="id_website"' in html
    form = {**CLEAN, "name": "Xiao Ming", "email": "Xiao.Ming@Example.test", "company": "Lotus Tech"}
    response = client.post(url_of(world), form)
    assert response.status_code == 302 and response["Location"] == url_of(world) + "thanks/"
    assert "Thank you for your feedback" in client.get(response["Location"]).content.decode()
    created = Feedback.objects.get(channel="public_form")
    assert (created.status, created.kind, created.product_id) == ("new", "suggestion", world.extra["product"].pk)
    assert created.content == CLEAN["content"] and created.submitted_by is None
    assert created.customer is not None and created.customer.identity == "xiao.ming@example.test"
    # A second message with the same address finds the same customer.
    client.post(url_of(world), {**CLEAN, "email": "xiao.ming@example.test"})
    assert Customer.objects.filter(identity="xiao.ming@example.test").count() == 1
    assert Feedback.objects.filter(customer=created.customer).count() == 2


def test_anonymous_feedback_has_no_customer(world: Any) -> None:
    visitor().post(url_of(world), CLEAN)
    assert Feedback.objects.get(channel="public_form").customer is None


def test_a_disabled_or_deleted_form_is_not_found(world: Any) -> None:
    owner, product = world.actor("owner"), world.extra["product"]
    token_url = url_of(world)
    assert visitor().get("/feedback/not-a-token/").status_code == 404
    products.update_product(owner, product, version=product.version, form_enabled=False)
    assert visitor().get(token_url).status_code == 404
    assert visitor().post(token_url, CLEAN).status_code == 404
    assert visitor().post(api_url(world), CLEAN, content_type="application/json").status_code == 404
    products.update_product(owner, product, version=product.version, form_enabled=True)
    products.renew_form_link(owner, product)
    assert visitor().get(token_url).status_code == 404  # the old address stopped working
    assert visitor().get(url_of(world)).status_code == 200
    products.delete_product(owner, product)
    assert visitor().get(url_of(world)).status_code == 404
    assert public_count() == 0


def test_a_filled_honeypot_looks_accepted_and_stores_nothing(world: Any) -> None:
    response = visitor().post(url_of(world), {**CLEAN, "email": "bot@spam.test", "website": "http://spam.test"})
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    response = visitor().post(api_url(world), {**CLEAN, "website": "x"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["received"] is True
    assert public_count() == 0 and not Customer.objects.filter(email="bot@spam.test").exists()


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"content": ""}, "content", "This field is required."),
        ({"content": "x" * 5001}, "content", "at most 5000 characters"),
        ({"content": "ok", "email": "not an address"}, "email", "Enter a valid email address."),
        ({"content": "ok", "kind": "rant"}, "kind", "Select a valid choice."),
        ({"content": "   "}, "content", "This field is required."),
        ({"content": "a\x00b"}, "content", "Null characters are not allowed."),
        ({"content": "ok", "name": "n" * 201}, "name", "at most 200 characters"),
    ],
)
def test_malformed_input_is_refused_naming_the_field(
    world: Any, form: dict[str, str], field: str, message: str
) -> None:
    response = visitor().post(url_of(world), form)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}_errors"' in html and message in html
    assert public_count() == 0


def test_an_oversized_body_is_refused_before_it_is_read(world: Any) -> None:
    response = visitor().post(url_of(world), {"content": "x" * 70_000})
    assert response.status_code == 413
    html = response.content.decode()
    assert 'id="id_content_errors"' in html and "too large: at most 64 KB" in html
    response = visitor().post(api_url(world), {"content": "x" * 70_000}, content_type="application/json")
    assert response.status_code == 413 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "content"
    assert public_count() == 0


def test_the_text_is_kept_as_text(world: Any, django_user_model: Any) -> None:
    evil = '<script>alert(1)</script> [x](javascript:alert(2)) <a href="javascript:alert(3)">y</a>'
    visitor().post(url_of(world), {"content": evil, "name": "<b>Bold</b>"})
    visitor("198.51.100.1").post(api_url(world), {"content": evil + " api"}, content_type="application/json")
    assert Feedback.objects.filter(channel="public_form", content__startswith="<script>").count() == 2
    User.objects.filter(pk=world.users["owner"].pk).update(language="en")
    client = Client()
    client.force_login(world.users["owner"])
    for url in ["/w/acme/feedback/"] + [
        f"/w/acme/feedback/{f.pk}/" for f in Feedback.objects.filter(channel="public_form")
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<b>Bold" not in html
        assert not re.search(r'href="\s*javascript:', html)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Rate limits ---------------------------------------------------------------------------------


def test_five_submissions_per_ip_then_a_clear_429(world: Any) -> None:
    client = visitor("192.0.2.10")
    for i in range(5):
        assert client.post(url_of(world), {"content": f"Message {i}"}).status_code == 302
    response = client.post(url_of(world), {"content": "One too many"})
    assert response.status_code == 429
    assert "Too many attempts. Try again later." in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert public_count() == 5
    # Another address is not held back, and neither is the API for it.
    assert visitor("192.0.2.11").post(url_of(world), {"content": "From elsewhere"}).status_code == 302
    api = visitor("192.0.2.10")
    response = api.post(api_url(world), {"content": "Through the API"}, content_type="application/json")
    assert response.status_code == 429 and response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"]
    assert public_count() == 6


def test_the_api_counts_per_ip_too(world: Any) -> None:
    client = visitor("192.0.2.20")
    for i in range(5):
        response = client.post(api_url(world), {"content": f"API {i}"}, content_type="application/json")
        assert response.status_code == 201
    assert client.post(api_url(world), {"content": "6"}, content_type="application/json").status_code == 429
    assert client.post(url_of(world), {"content": "web"}).status_code == 429
    assert public_count() == 5


def test_a_hundred_per_product_per_hour(world: Any) -> None:
    sent = 0
    for i in range(100):
        response = visitor(f"10.0.{i // 4}.{i % 4 + 1}").post(
            api_url(world), {"content": f"#{i}"}, content_type="application/json"
        )
        assert response.status_code == 201, (i, response.content)
        sent += 1
    response = visitor("10.9.9.9").post(url_of(world), {"content": "the 101st"})
    assert response.status_code == 429
    assert public_count() == sent == 100
    # Another product's form is not held back by this one's.
    other = products.create_product(world.actor("owner"), name="Second", form_enabled=True)
    assert visitor("10.9.9.9").post(f"/feedback/{other.form_token}/", {"content": "hi"}).status_code == 302


def test_the_service_checks_the_form_is_on(world: Any) -> None:
    product = world.extra["other_product"]  # its form is off
    from core.errors import NotFound

    with pytest.raises(NotFound):
        feedback.submit_public_feedback(product, ip="192.0.2.1", content="x")


# --- The API -------------------------------------------------------------------------------------


def test_the_api_needs_no_authentication(world: Any) -> None:
    response = visitor().post(
        api_url(world), {**CLEAN, "email": "fan@example.test", "company": "Fans"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json() == {"received": True, "message": "Thank you for your feedback."}
    created = Feedback.objects.get(channel="public_form")
    assert created.customer.email == "fan@example.test" and created.customer.company == "Fans"
    response = visitor().post(api_url(world), {"content": "x", "workspace": 1}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "workspace"
    response = visitor().post(api_url(world), {"content": "x", "email": "nope"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "email"
    response = visitor().post(api_url(world), "{not json", content_type="application/json")
    assert response.status_code in (400, 422) and response["Content-Type"] == "application/problem+json"
    assert visitor().post("/api/v1/public/feedback/%3Cx%3E", CLEAN, content_type="application/json").status_code in (
        404,
        422,
    )
