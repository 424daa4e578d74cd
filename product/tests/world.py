"""The product module's part of the test cast.

acme: `product` "Cadence App" (owned by carol) with the module `module` "Login", and the
requirements `requirement` (REQ-1, RICE inputs complete) and `second_requirement` (REQ-2, no
analysis). other: `other_product` and `other_requirement`. The feedback and releases parts add
their objects in world_feedback.py and world_releases.py."""

from decimal import Decimal
from typing import Any

from product.models import ProductSettings
from product.services import products, requirements
from product.tests import world_feedback, world_releases


def extend(world: Any) -> None:
    owner, other_owner = world.members["owner"], world.members["outsider_owner"]
    product = products.create_product(
        owner, name="Cadence App", vision="Plan less, ship more", owner_id=world.users["member"].pk
    )
    module = products.create_module(owner, product, name="Login")
    requirement = requirements.create_requirement(
        owner,
        product,
        title="Sign in with WeCom",
        description="# Goal\n\nSign in with one click.",
        module_id=module.pk,
        owner_id=world.users["member"].pk,
        reach=1000,
        impact=Decimal("2"),
        confidence=80,
        effort=Decimal("4"),
    )
    second = requirements.create_requirement(owner, product, title="Dark mode")
    other_product = products.create_product(other_owner, name="Hidden product")
    # Requirement numbers count per workspace: the other workspace's starts at REQ-900, a number acme
    # has not used, so that naming it in an acme URL finds nothing (the access matrix's foreign cases).
    ProductSettings.objects.update_or_create(workspace=world.other, defaults={"next_number": 900})
    other_requirement = requirements.create_requirement(other_owner, other_product, title="Hidden requirement")
    world.extra.update(
        product=product,
        module=module,
        requirement=requirement,
        second_requirement=second,
        other_product=other_product,
        other_requirement=other_requirement,
    )
    world_feedback.extend(world)
    world_releases.extend(world)
