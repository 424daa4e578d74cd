"""The feedback part of the product test cast (see world.py).

acme: the product's public form is on; `customer` (Wang Fang of Lotus Tech, enterprise) gave
`feedback`, linked to `requirement` (REQ-1); `second_feedback` (recorded by carol as her own) is
not linked; `feedback_import` is a checked import of two good rows waiting to be confirmed.
other: `other_feedback` and `other_feedback_import`."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from product.services import feedback, imports, products

IMPORT_CSV = "content,channel,customer,company\nExport to Excel,survey,Li Lei,Acme\n导出报表,工单,韩梅梅,\n"


def csv_file(text: str = IMPORT_CSV, name: str = "feedback.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def extend(world: Any) -> None:
    owner, member, other_owner = world.members["owner"], world.members["member"], world.members["outsider_owner"]
    product, other_product = world.extra["product"], world.extra["other_product"]
    products.update_product(owner, product, version=product.version, form_enabled=True)
    first = feedback.create_feedback(
        owner,
        product_id=product.pk,
        content="Please let us sign in with WeCom.\nOur whole team uses it.",
        channel="sales",
        kind="suggestion",
        sentiment="neutral",
        tags=["login"],
        customer_name="Wang Fang",
        customer_email="wang.fang@lotus.example",
        customer_company="Lotus Tech",
        customer_segment="enterprise",
    )
    feedback.link_requirement(owner, first, world.extra["requirement"])
    second = feedback.create_feedback(
        member, product_id=product.pk, content="Dark mode would be easier on the eyes.", channel="in_app"
    )
    pending = imports.upload_import(owner, product, file=csv_file())
    other = feedback.create_feedback(
        other_owner, product_id=other_product.pk, content="Hidden feedback", channel="support"
    )
    other_import = imports.upload_import(other_owner, other_product, file=csv_file())
    first.refresh_from_db()
    world.extra.update(
        feedback=first,
        second_feedback=second,
        customer=first.customer,
        feedback_import=pending,
        other_feedback=other,
        other_feedback_import=other_import,
    )
