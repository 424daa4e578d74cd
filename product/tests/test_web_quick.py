"""The quick-create dialogs of requirements and feedback: the page's product chosen, created through
the services, field errors with nothing created, "create more", and who may use them."""

from typing import Any

from django.test import Client

from accounts.models import User
from product.models import Feedback, Requirement

REQUIREMENT = "/w/acme/quick/requirement/"
FEEDBACK = "/w/acme/quick/feedback/"
HTMX = {"HX-Request": "true"}


def client_for(world: Any, role: str = "member", language: str = "en") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language=language)
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_requirement_dialog_takes_the_product_of_the_page(world: Any) -> None:
    from product.services import products

    other = products.create_product(world.actor("owner"), name="Another")
    client = client_for(world)
    product = world.extra["product"]
    on_requirement = client.get(REQUIREMENT, {"page": f"/w/acme/requirements/{world.extra['requirement'].number}/"})
    assert on_requirement.context["form"].initial["product_id"] == product.pk
    on_backlog = client.get(REQUIREMENT, {"page": f"/w/acme/requirements/?product={other.pk}"}, headers=HTMX)
    assert on_backlog.context["form"].initial["product_id"] == other.pk
    on_product = client.get(REQUIREMENT, {"page": f"/w/acme/products/{other.pk}/"}, headers=HTMX)
    assert on_product.context["form"].initial["product_id"] == other.pk


def test_a_requirement_is_created_and_more_can_follow(world: Any) -> None:
    client = client_for(world)
    product = world.extra["product"]
    data = {"product_id": product.pk, "title": "Quick PRD", "owner_id": world.users["admin"].pk, "type": "fix"}
    response = client.post(REQUIREMENT, data, headers=HTMX)
    created = Requirement.objects.get(title="Quick PRD")
    assert response["HX-Redirect"] == f"/w/acme/requirements/{created.number}/"
    assert (created.product_id, created.owner_id, created.type) == (product.pk, world.users["admin"].pk, "fix")
    more = client.post(REQUIREMENT, {**data, "title": "Another PRD", "create_more": "on"}, headers=HTMX)
    assert more.status_code == 200 and "HX-Redirect" not in more
    assert more.context["created"].title == "Another PRD" and "title" not in more.context["form"].initial
    # Without a product page, the last one used is chosen.
    assert client.get(REQUIREMENT, headers=HTMX).context["form"].initial["product_id"] == product.pk


def test_feedback_is_recorded_and_errors_name_the_field(world: Any) -> None:
    client = client_for(world, language="zh-hans")
    product = world.extra["product"]
    before = Feedback.objects.count()
    empty = client.post(FEEDBACK, {"product_id": product.pk, "content": "", "channel": "interview"}, headers=HTMX)
    assert empty.status_code == 422
    assert "此字段为必填项" in empty.content.decode()
    foreign = client.post(
        FEEDBACK,
        {"product_id": world.extra["other_product"].pk, "content": "Hi", "channel": "interview", "kind": "complaint"},
        headers=HTMX,
    )
    assert foreign.status_code == 422
    assert Feedback.objects.count() == before
    data = {"product_id": product.pk, "content": "Export, please", "channel": "interview", "kind": "suggestion"}
    response = client.post(FEEDBACK, {**data, "customer_name": "Li Lei"}, headers=HTMX)
    feedback = Feedback.objects.get(content="Export, please")
    assert response["HX-Redirect"] == f"/w/acme/feedback/{feedback.pk}/"
    assert feedback.customer is not None and feedback.customer.name == "Li Lei"


def test_a_guest_cannot_and_another_workspace_is_not_found(world: Any) -> None:
    product = world.extra["product"]
    requirements, feedback = Requirement.objects.count(), Feedback.objects.count()
    guest = client_for(world, "guest")
    for url in (REQUIREMENT, FEEDBACK):
        assert guest.get(url, headers=HTMX).status_code == 403
        assert guest.post(url, {"product_id": product.pk, "title": "No", "content": "No"}).status_code == 403
    outsider = client_for(world, "outsider")
    for url in (REQUIREMENT, FEEDBACK):
        assert outsider.get(url).status_code == 404
        assert outsider.post(url, {"product_id": product.pk, "title": "No", "content": "No"}).status_code == 404
    assert (Requirement.objects.count(), Feedback.objects.count()) == (requirements, feedback)
