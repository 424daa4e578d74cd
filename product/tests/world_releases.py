"""The releases part of the product test cast (see world.py).

acme: `release` "2.0" of the product (theme "Faster sign-in", short term, target 2030-03-15) with
`requirement` (REQ-1) planned into it; `second_release` "3.0" (long term, 2030-09-30), empty; `share`,
a live share link of the product's roadmap whose token is `share_token`.
other: `other_release` of `other_product` with `other_requirement` in it, and `other_share`
(token `other_share_token`)."""

import datetime
from typing import Any

from product.services import releases


def extend(world: Any) -> None:
    owner, other_owner = world.members["owner"], world.members["outsider_owner"]
    product, other_product = world.extra["product"], world.extra["other_product"]
    release = releases.create_release(
        owner,
        product,
        name="2.0",
        theme="Faster sign-in",
        description="Sign in without a password.",
        start_date=datetime.date(2030, 1, 6),
        target_date=datetime.date(2030, 3, 15),
    )
    requirement = world.extra["requirement"]
    releases.plan(owner, requirement, release_id=release.pk, version=requirement.version)
    second = releases.create_release(
        owner, product, name="3.0", theme="Teams", target_date=datetime.date(2030, 9, 30), horizon="long_term"
    )
    share, token = releases.create_share(owner, product, label="Board of directors")
    other_release = releases.create_release(
        other_owner, other_product, name="Hidden release", target_date=datetime.date(2030, 2, 1)
    )
    other_requirement = world.extra["other_requirement"]
    releases.plan(other_owner, other_requirement, release_id=other_release.pk, version=other_requirement.version)
    other_share, other_token = releases.create_share(other_owner, other_product, label="Hidden share")
    world.extra.update(
        release=release,
        second_release=second,
        share=share,
        share_token=token,
        other_release=other_release,
        other_share=other_share,
        other_share_token=other_token,
    )
