"""Writes to releases: create, edit and delete them; plan requirements into them; ship them; and
the loop that follows (PRODUCT.md loop 1): a requirement whose work is done and whose release has
shipped becomes released, the feedback behind it becomes answered and the people who gave it are
told — members in the app, customers by email. Also the roadmap's read-only share links.

The loop runs from two places: `ship` (the release ships; requirements whose work is done are
released at once) and `work_progressed`, which runs when work items start or finish (subscribed to
projects' work_item.state_changed hook; a planned requirement whose work starts is in progress; a
requirement of a shipped release whose last work item is done is released then)."""

import datetime
import hashlib
import re
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import ratelimit
from core.activity import diff, record, snapshot
from core.errors import NotFound, ValidationFailed
from core.permissions import require
from core.services import soft_delete
from core.validation import choice, clean_text, required_text
from core.versioning import save_versioned
from notify.events import email_customer, emit
from product.models import (
    Feedback,
    FeedbackStatus,
    Horizon,
    Product,
    Release,
    ReleaseStatus,
    Requirement,
    RequirementItem,
    RequirementStatus,
    RoadmapShare,
)
from product.services.requirements import move_status, release_of
from projects.hooks import WorkItemStatesChanged
from projects.models import Category

if TYPE_CHECKING:
    from accounts.models import Membership

S = RequirementStatus
RELEASE_FIELDS = ("name", "theme", "description", "start_date", "target_date", "horizon", "status")
MAX_DESCRIPTION = 20_000
EARLIEST, LATEST = datetime.date(1970, 1, 1), datetime.date(2999, 12, 31)
# A requirement in one of these is never released by the loop: it was turned down, or it is done.
NOT_RELEASABLE = (S.CLOSED, S.REJECTED, S.RELEASED)
# A share-link token: secrets.token_urlsafe(32) is 43 characters of this alphabet.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{20,100}$")
SHARE_TOUCH_INTERVAL = datetime.timedelta(minutes=1)
# Feedback whose content is at least this share of ASCII is answered in English, else in Chinese.
ASCII_SHARE_FOR_ENGLISH = 0.8


# --- Releases ------------------------------------------------------------------------------------


def _date(field: str, value: Any, *, required: bool) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed({field: _("This field is required.")})
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationFailed({field: _("Enter a date as YYYY-MM-DD.")}) from None
    if not EARLIEST <= value <= LATEST:
        raise ValidationFailed({field: _("Enter a date between 1970 and 2999.")})
    return value


def _clean(fields: dict[str, Any], release: Release | None) -> dict[str, Any]:
    """Checked values for the release fields given; every error names its field."""
    unknown = set(fields) - set(RELEASE_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in sorted(unknown)})
    clean = dict(fields)
    if "name" in clean:
        clean["name"] = required_text("name", clean["name"], 100)
    if "theme" in clean:
        clean["theme"] = clean_text("theme", clean["theme"], 200)
    if "description" in clean:
        clean["description"] = clean["description"] or ""
        if len(clean["description"]) > MAX_DESCRIPTION:
            message = _("Ensure this value has at most %(n)s characters.") % {"n": MAX_DESCRIPTION}
            raise ValidationFailed({"description": message})
    if "start_date" in clean:
        clean["start_date"] = _date("start_date", clean["start_date"], required=False)
    if "target_date" in clean:
        clean["target_date"] = _date("target_date", clean["target_date"], required=True)
    if "horizon" in clean:
        choice("horizon", clean["horizon"], Horizon)
    if "status" in clean:
        choice("status", clean["status"], ReleaseStatus)
        shipped = release is not None and release.status == ReleaseStatus.SHIPPED
        if shipped and clean["status"] != ReleaseStatus.SHIPPED:
            raise ValidationFailed({"status": _("This release has shipped; its status stays shipped.")})
        if not shipped and clean["status"] == ReleaseStatus.SHIPPED:
            raise ValidationFailed(
                {"status": _("Ship a release with the Ship action, so that its requirements follow.")}
            )
    start = clean.get("start_date", release.start_date if release else None)
    target = clean.get("target_date", release.target_date if release else None)
    if start and target and start > target:
        raise ValidationFailed({"target_date": _("The target date must not be before the start date.")})
    return clean


def create_release(actor: "Membership", product: Product, *, name: str, target_date: Any, **fields: Any) -> Release:
    require(actor, "product.edit")
    clean = _clean({"name": name, "target_date": target_date, **fields}, None)
    with transaction.atomic():
        release = Release.objects.create(workspace_id=actor.workspace_id, product=product, **clean)
        record(actor, "created", release, snapshot(release, ["name", "target_date", "horizon", "product"]))
    return release


def update_release(actor: "Membership", release: Release, *, version: int, **fields: Any) -> Release:
    require(actor, "product.edit")
    clean = _clean(fields, release)
    names = list(clean)
    before = snapshot(release, names)
    with transaction.atomic():
        for name, value in clean.items():
            setattr(release, name, value)
        save_versioned(release, expected_version=version, fields=names)
        changes = diff(before, snapshot(release, names))
        if changes:
            record(actor, "updated", release, changes)
    return release


def delete_release(actor: "Membership", release: Release) -> None:
    """To the trash. Its requirements keep it, so that a restore brings the plan back whole."""
    require(actor, "product.edit")
    soft_delete(actor, release)


# --- Planning ------------------------------------------------------------------------------------


def plan(actor: "Membership", requirement: Requirement, *, release_id: int | None, version: int) -> Requirement:
    """Plan the requirement into a release of its product (`release_id`), or take it out (None).

    An approved requirement planned into a release is `planned`; a planned one taken out is
    `approved` again. A released requirement stays in the release it shipped in, and nothing is
    planned into a release that has already shipped."""
    require(actor, "product.edit")
    release = release_of(actor, release_id, requirement.product)
    if release is not None and release.status == ReleaseStatus.SHIPPED and release.pk != requirement.release_id:
        raise ValidationFailed({"release_id": _("This release has shipped: choose one that has not.")})
    if requirement.status == S.RELEASED and (release.pk if release else None) != requirement.release_id:
        raise ValidationFailed({"release_id": _("A released requirement stays in the release it shipped in.")})
    if requirement.release_id == (release.pk if release else None):
        return requirement  # already there: nothing to write or record
    previous = Release.all_objects.filter(pk=requirement.release_id).first() if requirement.release_id else None
    with transaction.atomic():
        requirement.release = release
        save_versioned(requirement, expected_version=version, fields=["release"])
        record(
            actor,
            "planned" if release else "unplanned",
            requirement,
            {"release": [previous.name if previous else None, release.name if release else None]},
        )
        if release is not None and requirement.status == S.APPROVED:
            move_status(actor, requirement, S.PLANNED, _("Planned into %(release)s") % {"release": release.name})
        elif release is None and requirement.status == S.PLANNED and previous is not None:
            move_status(actor, requirement, S.APPROVED, _("Taken out of %(release)s") % {"release": previous.name})
    return requirement


REQUIREMENT_KEY = re.compile(r"^(?:REQ-)?([0-9]{1,9})$", re.IGNORECASE)


def plan_by_key(actor: "Membership", release: Release, *, key: str) -> Requirement:
    """Add the requirement named by its key (REQ-12, or 12) to the release: the release page's form."""
    require(actor, "product.edit")
    match = REQUIREMENT_KEY.match((key or "").strip())
    requirement = (
        Requirement.objects.filter(workspace_id=actor.workspace_id, number=int(match.group(1))).first()
        if match
        else None
    )
    if requirement is None:
        raise ValidationFailed({"key": _("No requirement with this key.")})
    if requirement.product_id != release.product_id:
        raise ValidationFailed({"key": _("This requirement belongs to another product.")})
    if requirement.release_id == release.pk:
        raise ValidationFailed({"key": _("This requirement is already in this release.")})
    try:
        return plan(actor, requirement, release_id=release.pk, version=requirement.version)
    except ValidationFailed as error:
        raise ValidationFailed({"key": [m for messages in error.errors.values() for m in messages]}) from None


# --- Shipping and the loop -----------------------------------------------------------------------


def _work_of(requirement_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Per requirement: (linked work items, of them started, of them done); deleted items do not count."""
    rows = (
        RequirementItem.objects.filter(requirement_id__in=requirement_ids, item__deleted_at__isnull=True)
        .order_by()
        .values("requirement_id")
        .annotate(
            total=Count("id"),
            started=Count("id", filter=~Q(item__category=Category.TODO)),
            done=Count("id", filter=Q(item__category=Category.DONE)),
        )
    )
    return {row["requirement_id"]: (row["total"], row["started"], row["done"]) for row in rows}


def _all_done(work: dict[int, tuple[int, int, int]], requirement_id: int) -> bool:
    total, _started, done = work.get(requirement_id, (0, 0, 0))
    return done == total


def ship(actor: "Membership", release: Release) -> Release:
    """Mark the release shipped. In the same transaction, every requirement of it that is not
    closed or rejected and whose work items are all done becomes released (and its feedback is
    answered); the others stay as they are, and are released when their last item is done."""
    require(actor, "product.edit")
    with transaction.atomic():
        current = (
            Release.objects.select_for_update(of=("self",)).select_related("product").filter(pk=release.pk).first()
        )
        if current is None:
            raise NotFound()
        if current.status == ReleaseStatus.SHIPPED:
            raise ValidationFailed({"status": _("This release has already shipped.")})
        before = current.status
        current.status, current.shipped_at = ReleaseStatus.SHIPPED, timezone.now()
        save_versioned(current, expected_version=current.version, fields=["status", "shipped_at"])
        record(actor, "shipped", current, {"status": [before, ReleaseStatus.SHIPPED]})
        candidates = list(
            Requirement.objects.filter(release=current).exclude(status__in=NOT_RELEASABLE).order_by("rank", "id")
        )
        work = _work_of([r.pk for r in candidates])
        for requirement in candidates:
            if _all_done(work, requirement.pk):
                _release(actor, requirement, current)
    release.status, release.shipped_at, release.version = current.status, current.shipped_at, current.version
    release.updated_at = current.updated_at
    return current


def follow_work(change: WorkItemStatesChanged) -> None:
    """Subscribed to work_item.state_changed: the items that started or finished move their
    requirements (a move back to "to do", or within a category, moves nothing)."""
    work_progressed(change.actor, [m.item_id for m in change.moves if m.now not in (m.was, Category.TODO)])


def work_progressed(actor: Any, item_ids: list[int]) -> None:
    """Work items started or finished (in the transaction of their change).

    A planned requirement whose work starts is in progress; a requirement of a shipped release
    whose linked work items are now all done is released. One query when no requirement is concerned."""
    if not item_ids:
        return
    shipped = Q(release__status=ReleaseStatus.SHIPPED, release__deleted_at__isnull=True) & ~Q(status__in=NOT_RELEASABLE)
    concerned = list(
        Requirement.objects.filter(item_links__item_id__in=item_ids)
        .filter(Q(status=S.PLANNED) | shipped)
        .select_related("release__product")
        .distinct()
        .order_by("id")
    )
    if not concerned:
        return
    work = _work_of([r.pk for r in concerned])
    with transaction.atomic():
        for requirement in concerned:
            release = requirement.release
            in_shipped = (
                release is not None
                and release.status == ReleaseStatus.SHIPPED
                and release.deleted_at is None
                and requirement.status not in NOT_RELEASABLE
            )
            if in_shipped and _all_done(work, requirement.pk):
                assert release is not None
                _release(actor, requirement, release)
            elif requirement.status == S.PLANNED and work.get(requirement.pk, (0, 0, 0))[1]:
                move_status(actor, requirement, S.IN_PROGRESS, _("Work on it has started."))


def _release(actor: Any, requirement: Requirement, release: Release) -> None:
    """The requirement is released: its feedback is answered, and those who gave it are told —
    members in the app, customers by email (once per address)."""
    from product.services.feedback import answer_linked_feedback

    move_status(actor, requirement, S.RELEASED, _("Shipped in %(release)s") % {"release": release.name})
    told = list(
        Feedback.objects.filter(links__requirement=requirement)
        .exclude(status=FeedbackStatus.CLOSED)
        .select_related("customer")
        .order_by("id")
    )
    answer_linked_feedback(actor, requirement)
    people = sorted({f.submitted_by_id for f in told if f.submitted_by_id})
    if people:
        emit(
            "requirement.released", actor=actor, target=requirement, context={"people": people, "release": release.name}
        )
    _email_customers(requirement, release, told)


def language_of(text: str) -> str:
    """English for feedback written mostly in ASCII, else Chinese (the workspace's default)."""
    letters = [c for c in text if not c.isspace()]
    if letters and sum(c.isascii() for c in letters) / len(letters) >= ASCII_SHARE_FOR_ENGLISH:
        return "en"
    return "zh-hans"


def _email_customers(requirement: Requirement, release: Release, feedback: list[Feedback]) -> None:
    """One email per customer address for this requirement, in the language of their feedback."""
    first_by_address: dict[str, Feedback] = {}
    for f in feedback:
        address = (f.customer.email if f.customer else "").strip()
        if address:
            first_by_address.setdefault(address.lower(), f)
    for address, f in first_by_address.items():
        assert f.customer is not None
        language = language_of(f.content)
        context = {
            "name": f.customer.name,
            "title": requirement.title,
            "release": release.name,
            "product": release.product.name,
        }
        with translation.override(language):
            subject = _("Shipped in %(product)s %(release)s: %(title)s") % context
            body = render_to_string("product/email/released.txt", context)
        email_customer(
            workspace_id=requirement.workspace_id,
            address=f.customer.email.strip(),
            key=f"customer:{requirement.pk}:{address}",
            language=language,
            subject=subject,
            body=body,
        )


# --- Share links ---------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('product:shared-roadmap', args=[token])}"


def create_share(actor: "Membership", product: Product, *, label: str = "") -> tuple[RoadmapShare, str]:
    """A new read-only link to the product's roadmap. Returns the share and its token: the token is
    shown this once; only its SHA-256 is kept."""
    require(actor, "product.edit")
    label = (label or "").strip()
    if len(label) > 100:
        raise ValidationFailed({"label": _("Ensure this value has at most %(n)s characters.") % {"n": 100}})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        share = RoadmapShare.objects.create(
            workspace_id=actor.workspace_id,
            product=product,
            label=label,
            token_hash=token_hash(token),
            created_by=actor.user,
        )
        record(actor, "shared_roadmap", product, {"share": [None, label or f"#{share.pk}"]})
    return share, token


def revoke_share(actor: "Membership", share: RoadmapShare) -> RoadmapShare:
    """The link stops working at once. Revoking a revoked link changes nothing."""
    require(actor, "product.edit")
    if share.revoked_at is not None:
        return share
    with transaction.atomic():
        now = timezone.now()
        RoadmapShare.objects.filter(pk=share.pk, revoked_at__isnull=True).update(revoked_at=now)
        share.revoked_at = now
        record(actor, "revoked_share", share.product, {"share": [share.label or f"#{share.pk}", None]})
    return share


def open_share(token: str, *, ip: str) -> RoadmapShare:
    """The live share link with this token, or NotFound (unknown, malformed and revoked alike).

    The token is found by its hash, so no comparison runs over the secret itself. Unknown tokens
    count as failures of the caller's address (SECURITY.md rule 9); `last_used_at` is written at
    most once a minute."""
    keys = [f"roadmap-share:ip:{ip}"]
    ratelimit.check(keys)
    share = None
    if TOKEN_PATTERN.match(token or ""):
        share = (
            RoadmapShare.objects.filter(
                token_hash=token_hash(token), revoked_at__isnull=True, product__deleted_at__isnull=True
            )
            .select_related("product")
            .first()
        )
    if share is None:
        ratelimit.record_failure(keys)
        raise NotFound()
    now = timezone.now()
    if share.last_used_at is None or now - share.last_used_at >= SHARE_TOUCH_INTERVAL:
        RoadmapShare.objects.filter(pk=share.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - SHARE_TOUCH_INTERVAL)
        ).update(last_used_at=now)
        share.last_used_at = now
    return share
