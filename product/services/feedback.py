"""Writes to feedback (用户反馈) and the customers who gave it: record, edit, triage through the
status flow, link to requirements (the demand signal), bulk actions and the public form.

Every path that changes links, or deletes or restores feedback, recounts the demand of the
requirements concerned with `refresh_demand`, which also rescores them."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ratelimit
from core.activity import diff, record, snapshot
from core.errors import NotFound, ValidationFailed
from core.permissions import require
from core.services import soft_delete
from core.validation import choice, clean_text
from core.versioning import save_versioned
from product.models import (
    Customer,
    Feedback,
    FeedbackChannel,
    FeedbackKind,
    FeedbackLink,
    FeedbackStatus,
    Product,
    Requirement,
    Segment,
    Sentiment,
)
from product.services.products import rescore, settings_for
from product.services.requirements import MAX_TAGS, clean_tags

if TYPE_CHECKING:
    from accounts.models import Membership

MAX_CONTENT = 10_000
MAX_PUBLIC_CONTENT = 5_000
MAX_NAME = 200
MAX_EMAIL = 254
BULK_MAX = 200
BULK_ACTIONS = ("set_status", "add_tag", "link", "delete")
# The public form: at most this many submissions per IP per window, and per product per window.
PUBLIC_PER_IP = (5, 10 * 60)
PUBLIC_PER_PRODUCT = (100, 60 * 60)

S = FeedbackStatus
# Where feedback may go from each status by hand. Linking a requirement moves new or triaged
# feedback to `linked` by itself; the release loop answers it; closed feedback can be reopened.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.NEW: (S.TRIAGED, S.CLOSED),
    S.TRIAGED: (S.LINKED, S.CLOSED),
    S.LINKED: (S.ANSWERED, S.CLOSED),
    S.ANSWERED: (S.CLOSED,),
    S.CLOSED: (S.TRIAGED,),
}
LINKABLE = frozenset({S.NEW, S.TRIAGED})
CUSTOMER_FIELDS = ("customer_name", "customer_email", "customer_company", "customer_segment")
EDITABLE_FIELDS = (
    "product_id",
    "channel",
    "content",
    "kind",
    "sentiment",
    "tags",
    "status",
    "as_myself",
    *CUSTOMER_FIELDS,
)
HISTORY_FIELDS = ["product", "channel", "customer", "content", "kind", "sentiment", "tags", "status", "submitted_by"]


# --- Checking values -----------------------------------------------------------------------------


def _email(field: str, value: Any) -> str:
    email = clean_text(field, value, MAX_EMAIL)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationFailed({field: _("Enter a valid email address.")}) from None
    return email


def _product(actor: "Membership", product_id: Any) -> Product:
    product = None
    if isinstance(product_id, int) and not isinstance(product_id, bool):
        product = Product.objects.filter(pk=product_id, workspace_id=actor.workspace_id).first()
    if product is None:
        raise ValidationFailed({"product_id": _("Choose a product of this workspace.")})
    return product


def clean_customer(
    *, name: Any = "", email: Any = "", company: Any = "", segment: Any = "", prefix: str = "customer_"
) -> dict[str, str] | None:
    """Checked customer values, or None when no customer is named (no name and no email)."""
    clean = {
        "name": clean_text(prefix + "name", name, MAX_NAME),
        "email": _email(prefix + "email", email),
        "company": clean_text(prefix + "company", company, MAX_NAME),
        "segment": choice(prefix + "segment", segment, Segment, blank=True),
    }
    if not clean["name"] and not clean["email"]:
        if clean["company"] or clean["segment"]:
            raise ValidationFailed({prefix + "name": _("Name the customer, or give their email address.")})
        return None
    if not clean["name"]:
        clean["name"] = clean["email"].split("@", 1)[0][:MAX_NAME]
    return clean


def customer_identity(*, name: str, email: str = "", company: str = "") -> str:
    """How a second piece of feedback finds the same customer: the email, else name and company."""
    if email.strip():
        return email.strip().lower()
    return f"{name.strip()}|{company.strip()}".lower().strip()


def find_or_create_customer(
    workspace_id: int, *, name: str, email: str = "", company: str = "", segment: str = ""
) -> Customer:
    """The workspace's customer with this identity, made if new. A known customer keeps what it
    has; only empty company, segment and email are filled in. Values are checked already."""
    identity = customer_identity(name=name, email=email, company=company)
    customer, created = Customer.objects.get_or_create(
        workspace_id=workspace_id,
        identity=identity,
        defaults={"name": name, "email": email, "company": company, "segment": segment},
    )
    if not created:
        fill = {
            field: value
            for field, value in (("company", company), ("segment", segment), ("email", email))
            if value and not getattr(customer, field)
        }
        if fill:
            now = timezone.now()
            Customer.objects.filter(pk=customer.pk).update(**fill, version=F("version") + 1, updated_at=now)
            for field, value in fill.items():
                setattr(customer, field, value)
            customer.version += 1
            if "segment" in fill:
                # The requirements this customer already asked for now show the segment too.
                refresh_demand(
                    FeedbackLink.objects.filter(feedback__customer=customer)
                    .order_by()
                    .values_list("requirement_id", flat=True)
                    .distinct()
                )
    return customer


def _customer_values(fields: dict[str, Any]) -> dict[str, str] | None:
    return clean_customer(
        name=fields.get("customer_name"),
        email=fields.get("customer_email"),
        company=fields.get("customer_company"),
        segment=fields.get("customer_segment"),
    )


def clean_fields(actor: "Membership", fields: dict[str, Any]) -> dict[str, Any]:
    """Checked values of the editable fields present in `fields` (customer fields stay apart)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in sorted(unknown)})
    clean: dict[str, Any] = {}
    if "product_id" in fields:
        clean["product"] = _product(actor, fields["product_id"])
    if "channel" in fields:
        clean["channel"] = choice("channel", fields["channel"], FeedbackChannel)
    if "content" in fields:
        clean["content"] = clean_text("content", fields["content"], MAX_CONTENT, required=True)
    if "kind" in fields:
        clean["kind"] = choice("kind", fields["kind"], FeedbackKind)
    if "sentiment" in fields:
        clean["sentiment"] = choice("sentiment", fields["sentiment"], Sentiment, blank=True)
    if "tags" in fields:
        clean["tags"] = clean_tags(fields["tags"])
    if "status" in fields:
        clean["status"] = choice("status", fields["status"], FeedbackStatus)
    if "as_myself" in fields and fields["as_myself"] is not None and not isinstance(fields["as_myself"], bool):
        raise ValidationFailed({"as_myself": _("Enter true or false.")})
    return clean


# --- Feedback ------------------------------------------------------------------------------------


def create_feedback(
    actor: "Membership",
    *,
    product_id: int,
    content: str,
    channel: str,
    kind: str = FeedbackKind.SUGGESTION,
    sentiment: str = "",
    tags: list[str] | None = None,
    customer_name: str = "",
    customer_email: str = "",
    customer_company: str = "",
    customer_segment: str = "",
    as_myself: bool | None = None,
) -> Feedback:
    """New feedback is `new`. A member who records it "as themselves" is its submitter (and is told
    when it ships); by default that is the actor when no customer is named."""
    require(actor, "product.edit")
    clean = clean_fields(
        actor,
        {"product_id": product_id, "content": content, "channel": channel, "kind": kind, "sentiment": sentiment},
    )
    clean["tags"] = clean_tags(tags or [])
    customer_values = _customer_values(
        {
            "customer_name": customer_name,
            "customer_email": customer_email,
            "customer_company": customer_company,
            "customer_segment": customer_segment,
        }
    )
    if as_myself is not None and not isinstance(as_myself, bool):
        raise ValidationFailed({"as_myself": _("Enter true or false.")})
    mine = as_myself if as_myself is not None else customer_values is None
    with transaction.atomic():
        customer = find_or_create_customer(actor.workspace_id, **customer_values) if customer_values else None
        feedback = Feedback.objects.create(
            workspace_id=actor.workspace_id,
            customer=customer,
            submitted_by=actor.user if mine else None,
            **clean,
        )
        record(actor, "created", feedback, snapshot(feedback, ["product", "channel", "kind", "customer"]))
    return feedback


def _check_transition(feedback: Feedback, target: str, *, has_links: bool) -> None:
    if target == feedback.status:
        return
    allowed = STATUS_TRANSITIONS[feedback.status]
    if target not in allowed:
        labels = ", ".join(str(FeedbackStatus(s).label) for s in allowed)
        raise ValidationFailed(
            {
                "status": _("Feedback that is “%(source)s” can move to: %(targets)s.")
                % {"source": FeedbackStatus(feedback.status).label, "targets": labels}
            }
        )
    if target == S.LINKED and not has_links:
        raise ValidationFailed({"status": _("Link a requirement first: linked feedback has a requirement.")})


def _apply_status(feedback: Feedback, target: str) -> None:
    feedback.status = target
    if target == S.ANSWERED:
        feedback.answered_at = timezone.now()


def update_feedback(actor: "Membership", feedback: Feedback, *, version: int, **fields: Any) -> Feedback:
    """Change any editable field; a status change follows the status flow. Naming customer fields
    finds (or makes) that customer; with neither a name nor an email left, there is none."""
    require(actor, "product.edit")
    clean = clean_fields(actor, fields)
    names = [name for name in clean if name != "status"]
    if "status" in clean:
        has_links = FeedbackLink.objects.filter(feedback=feedback).exists()
        _check_transition(feedback, clean["status"], has_links=has_links)
    new_customer: dict[str, str] | None = None
    customer_named = any(f in fields for f in CUSTOMER_FIELDS)
    if customer_named:
        current = feedback.customer
        merged = {
            "customer_name": current.name if current else "",
            "customer_email": current.email if current else "",
            "customer_company": current.company if current else "",
            "customer_segment": current.segment if current else "",
            **{f: fields[f] for f in CUSTOMER_FIELDS if f in fields},
        }
        # Neither a name nor an email left: the feedback has no customer any more.
        if str(merged["customer_name"] or "").strip() or str(merged["customer_email"] or "").strip():
            new_customer = _customer_values(merged)
    with transaction.atomic():
        before = snapshot(feedback, HISTORY_FIELDS)
        for name in names:
            setattr(feedback, name, clean[name])
        saved = list(names)
        if "status" in clean and clean["status"] != feedback.status:
            _apply_status(feedback, clean["status"])
            saved += ["status", "answered_at"]
        if customer_named:
            customer = find_or_create_customer(actor.workspace_id, **new_customer) if new_customer else None
            feedback.customer = customer
            saved.append("customer")
        if "as_myself" in fields and fields["as_myself"] is not None:
            feedback.submitted_by = actor.user if fields["as_myself"] else None
            saved.append("submitted_by")
        save_versioned(feedback, expected_version=version, fields=saved)
        changes = diff(before, snapshot(feedback, HISTORY_FIELDS))
        if changes:
            record(actor, "updated", feedback, changes)
        if "customer" in changes:
            refresh_demand(linked_requirement_ids([feedback.pk]))
    return feedback


def set_status(actor: "Membership", feedback: Feedback, *, status: str, version: int) -> Feedback:
    return update_feedback(actor, feedback, version=version, status=status)


def delete_feedback(actor: "Membership", feedback: Feedback) -> None:
    """To the trash; its requirements lose its demand until it is restored."""
    require(actor, "product.edit")
    with transaction.atomic():
        requirement_ids = linked_requirement_ids([feedback.pk])
        soft_delete(actor, feedback)
        refresh_demand(requirement_ids)


def after_restore(actor: "Membership", feedback: Feedback) -> None:
    """Called by the trash when feedback comes back: its links count again."""
    refresh_demand(linked_requirement_ids([feedback.pk]))


# --- Links and the demand signal -----------------------------------------------------------------


def linked_requirement_ids(feedback_ids: Iterable[int]) -> list[int]:
    return list(
        FeedbackLink.objects.filter(feedback_id__in=list(feedback_ids))
        .order_by()
        .values_list("requirement_id", flat=True)
        .distinct()
    )


def refresh_demand(requirement_ids: Iterable[int]) -> None:
    """Recount each requirement's live feedback and distinct customers, and rescore it. A fixed
    number of queries whatever the number of requirements (up to a thousand)."""
    ids = sorted(set(requirement_ids))
    if not ids:
        return
    counted = (
        FeedbackLink.objects.filter(requirement_id__in=ids, feedback__deleted_at__isnull=True)
        .order_by()
        .values("requirement_id")
        .annotate(
            n_feedback=Count("feedback_id", distinct=True),
            n_customers=Count("feedback__customer_id", distinct=True),
        )
    )
    counts = {row["requirement_id"]: (row["n_feedback"], row["n_customers"]) for row in counted}
    segments: dict[int, list[str]] = {}
    for requirement_id, segment in (
        FeedbackLink.objects.filter(requirement_id__in=ids, feedback__deleted_at__isnull=True)
        .exclude(feedback__customer__segment="")
        .filter(feedback__customer__isnull=False)
        .order_by("requirement_id", "feedback__customer__segment")
        .values_list("requirement_id", "feedback__customer__segment")
        .distinct()
    ):
        segments.setdefault(requirement_id, []).append(segment)
    requirements = list(Requirement.all_objects.filter(pk__in=ids))
    by_workspace: dict[int, list[Requirement]] = {}
    for requirement in requirements:
        requirement.feedback_count, requirement.customer_count = counts.get(requirement.pk, (0, 0))
        requirement.segments = segments.get(requirement.pk, [])
        by_workspace.setdefault(requirement.workspace_id, []).append(requirement)
    Requirement.all_objects.bulk_update(requirements, ["feedback_count", "customer_count", "segments"], batch_size=1000)
    for workspace_id, group in by_workspace.items():
        rescore(group, settings_for(workspace_id))


def _same_workspace(actor: "Membership", feedback: Feedback, requirement: Requirement) -> None:
    if not (feedback.workspace_id == requirement.workspace_id == actor.workspace_id):
        raise NotFound()


def _link(actor: "Membership", feedback: Feedback, requirement: Requirement) -> bool:
    """Add the link (if new) and move new or triaged feedback to `linked`. No recount."""
    _link_row, created = FeedbackLink.objects.get_or_create(
        feedback=feedback,
        requirement=requirement,
        defaults={"workspace_id": actor.workspace_id, "created_by": actor.user},
    )
    if not created:
        return False
    changes: dict[str, Any] = {"requirement": [None, requirement.key]}
    if feedback.status in LINKABLE:
        changes["status"] = [feedback.status, S.LINKED]
        feedback.status = S.LINKED
        save_versioned(feedback, expected_version=feedback.version, fields=["status"])
    record(actor, "linked", feedback, changes)
    return True


def link_requirement(actor: "Membership", feedback: Feedback, requirement: Requirement) -> Feedback:
    """Link feedback to a requirement of the same workspace; linking twice changes nothing."""
    require(actor, "product.edit")
    _same_workspace(actor, feedback, requirement)
    with transaction.atomic():
        if _link(actor, feedback, requirement):
            refresh_demand([requirement.pk])
    return feedback


def unlink_requirement(actor: "Membership", feedback: Feedback, requirement: Requirement) -> Feedback:
    """Remove the link; linked feedback left with no requirement goes back to `triaged`."""
    require(actor, "product.edit")
    _same_workspace(actor, feedback, requirement)
    with transaction.atomic():
        removed, _rows = FeedbackLink.objects.filter(feedback=feedback, requirement=requirement).delete()
        if not removed:
            raise NotFound(_("This feedback is not linked to %(key)s.") % {"key": requirement.key})
        changes: dict[str, Any] = {"requirement": [requirement.key, None]}
        if feedback.status == S.LINKED and not FeedbackLink.objects.filter(feedback=feedback).exists():
            changes["status"] = [feedback.status, S.TRIAGED]
            feedback.status = S.TRIAGED
            save_versioned(feedback, expected_version=feedback.version, fields=["status"])
        record(actor, "unlinked", feedback, changes)
        refresh_demand([requirement.pk])
    return feedback


def answer_linked_feedback(actor: Any, requirement: Requirement) -> list[Feedback]:
    """The loop's last step for one requirement: its live, linked feedback that is not answered or
    closed becomes `answered`. Returns that feedback (to tell its people). Runs in the caller's
    transaction; `actor` is a Membership, a User or None (the system)."""
    feedback = list(
        Feedback.objects.filter(links__requirement=requirement, status__in=[S.NEW, S.TRIAGED, S.LINKED])
        .select_related("customer", "submitted_by")
        .distinct()
    )
    now = timezone.now()
    for item in feedback:
        source = item.status
        item.status, item.answered_at = S.ANSWERED, now
        save_versioned(item, expected_version=item.version, fields=["status", "answered_at"])
        record(actor, "answered", item, {"status": [source, S.ANSWERED], "requirement": requirement.key})
    return feedback


# --- Bulk actions --------------------------------------------------------------------------------


def _bulk_ids(ids: Any) -> list[int]:
    if not isinstance(ids, list | tuple) or not ids:
        raise ValidationFailed({"ids": _("Choose at least one feedback item.")})
    if not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
        raise ValidationFailed({"ids": _("Enter a list of ids.")})
    unique = list(dict.fromkeys(ids))
    if len(unique) > BULK_MAX:
        raise ValidationFailed({"ids": _("Choose at most %(n)s feedback items at once.") % {"n": BULK_MAX}})
    return unique


def requirement_by_reference(actor: "Membership", value: Any, field: str = "value") -> Requirement:
    """A requirement of the actor's workspace named by number (12) or key (REQ-12)."""
    text = str(value).strip().upper() if value is not None and not isinstance(value, bool) else ""
    text = text.removeprefix("REQ-").removeprefix("#")
    requirement = None
    if text.isdigit() and 0 < int(text) <= 2**31:
        requirement = Requirement.objects.filter(workspace_id=actor.workspace_id, number=int(text)).first()
    if requirement is None:
        raise ValidationFailed({field: _("Choose a requirement of this workspace, such as REQ-12.")})
    return requirement


def bulk_feedback(actor: "Membership", *, ids: Any, action: str, value: Any = None) -> int:
    """One action on up to 200 feedback items: all of them, or (with the reasons) none."""
    require(actor, "product.edit")
    if action not in BULK_ACTIONS:
        raise ValidationFailed({"action": _("Choose one of: %(n)s.") % {"n": ", ".join(BULK_ACTIONS)}})
    wanted = _bulk_ids(ids)
    items = list(Feedback.objects.filter(workspace_id=actor.workspace_id, pk__in=wanted).order_by("id"))
    if len(items) != len(wanted):
        raise ValidationFailed({"ids": _("Choose feedback of this workspace.")})
    with transaction.atomic():
        if action == "set_status":
            _bulk_status(actor, items, value)
        elif action == "add_tag":
            _bulk_tag(actor, items, value)
        elif action == "link":
            requirement = requirement_by_reference(actor, value)
            added = [_link(actor, item, requirement) for item in items]
            if any(added):
                refresh_demand([requirement.pk])
        else:
            requirement_ids = linked_requirement_ids(wanted)
            for item in items:
                soft_delete(actor, item)
            refresh_demand(requirement_ids)
    return len(items)


def _bulk_status(actor: "Membership", items: list[Feedback], value: Any) -> None:
    target = choice("value", value, FeedbackStatus)
    with_links = set(FeedbackLink.objects.filter(feedback__in=items).values_list("feedback_id", flat=True).distinct())
    refused = []
    for item in items:
        try:
            _check_transition(item, target, has_links=item.pk in with_links)
        except ValidationFailed as error:
            refused.append(f"#{item.pk}: {' '.join(error.errors['status'])}")
    if refused:
        raise ValidationFailed({"value": refused})
    for item in items:
        if item.status == target:
            continue
        source = item.status
        _apply_status(item, target)
        save_versioned(item, expected_version=item.version, fields=["status", "answered_at"])
        record(actor, "updated", item, {"status": [source, target]})


def _bulk_tag(actor: "Membership", items: list[Feedback], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed({"value": _("Enter a tag.")})
    tag = clean_tags([value], field="value")[0]
    too_many = [f"#{item.pk}" for item in items if tag not in item.tags and len(item.tags) >= MAX_TAGS]
    if too_many:
        message = _("These already have %(n)s tags:") % {"n": MAX_TAGS}
        raise ValidationFailed({"value": f"{message} {', '.join(too_many)}"})
    for item in items:
        if tag in item.tags:
            continue
        before = list(item.tags)
        item.tags = [*item.tags, tag]
        save_versioned(item, expected_version=item.version, fields=["tags"])
        record(actor, "updated", item, {"tags": [before, item.tags]})


# --- The public form -----------------------------------------------------------------------------


def submit_public_feedback(
    product: Product,
    *,
    ip: str,
    content: Any,
    kind: Any = FeedbackKind.SUGGESTION,
    name: Any = "",
    email: Any = "",
    company: Any = "",
    website: Any = "",
) -> Feedback | None:
    """Feedback from the product's public form, without login: rate-limited per IP and per product,
    kept as plain text. A filled honeypot (`website`) looks accepted and stores nothing (None)."""
    if not product.form_enabled or product.deleted_at is not None:
        raise NotFound()
    per_ip, ip_window = PUBLIC_PER_IP
    per_product, product_window = PUBLIC_PER_PRODUCT
    ratelimit.hit([f"feedback-form:ip:{ip}"], limit=per_ip, window_seconds=ip_window)
    ratelimit.hit([f"feedback-form:product:{product.pk}"], limit=per_product, window_seconds=product_window)
    if website:
        return None
    text = clean_text("content", content, MAX_PUBLIC_CONTENT, required=True)
    kind = choice("kind", kind or FeedbackKind.SUGGESTION, FeedbackKind)
    customer_values = clean_customer(name=name, email=email, company=company, prefix="")
    with transaction.atomic():
        customer = find_or_create_customer(product.workspace_id, **customer_values) if customer_values else None
        feedback = Feedback.objects.create(
            workspace_id=product.workspace_id,
            product=product,
            channel=FeedbackChannel.PUBLIC_FORM,
            customer=customer,
            content=text,
            kind=kind,
            status=S.NEW,
        )
        record(None, "submitted", feedback, {"channel": [None, FeedbackChannel.PUBLIC_FORM]})
    return feedback
