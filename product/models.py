"""Products, their requirements (需求) with versioned PRDs and scores, user feedback (用户反馈),
the customers who gave it, releases (版本) and the roadmap's share links."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import SoftDeleteModel, VersionedModel


class ScoringModel(models.TextChoices):
    RICE = "rice", _("RICE")
    WSJF = "wsjf", _("WSJF")
    VALUE_EFFORT = "value_effort", _("Value / effort")
    MOSCOW = "moscow", _("MoSCoW")
    KANO = "kano", _("Kano")


class ProductSettings(VersionedModel):
    """One per workspace: the scoring model that ranks the backlog and the requirement counter."""

    workspace = models.OneToOneField("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    scoring_model = models.CharField(
        _("scoring model"), max_length=20, choices=ScoringModel.choices, default=ScoringModel.RICE
    )
    # How much demand (distinct customers of linked feedback) raises a score: 0 leaves scores alone.
    demand_weight = models.DecimalField(_("demand weight"), max_digits=4, decimal_places=2, default=0)
    # REQ-n numbers only go up, so a key is never reused.
    next_number = models.PositiveIntegerField(default=1, editable=False)


class Product(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    vision = models.TextField(_("vision"), blank=True)
    target_users = models.TextField(_("target users"), blank=True)
    goals = models.TextField(_("product goals"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The public feedback form's address: /feedback/<form_token>/. Unguessable; regenerated to revoke.
    form_enabled = models.BooleanField(_("public feedback form"), default=False)
    form_token = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "name"], name="product_list")]

    def __str__(self) -> str:
        return self.name


class Module(VersionedModel, SoftDeleteModel):
    """A part of a product (login, billing, mobile app …) that requirements are filed under."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="modules")
    name = models.CharField(_("name"), max_length=100)

    def __str__(self) -> str:
        return self.name


class ReleaseStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SHIPPED = "shipped", _("Shipped")


class Horizon(models.TextChoices):
    SHORT_TERM = "short_term", _("Short term")
    LONG_TERM = "long_term", _("Long term")


class Release(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="releases")
    name = models.CharField(_("name"), max_length=100)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    target_date = models.DateField(_("target date"))
    horizon = models.CharField(_("lane"), max_length=20, choices=Horizon.choices, default=Horizon.SHORT_TERM)
    status = models.CharField(_("status"), max_length=20, choices=ReleaseStatus.choices, default=ReleaseStatus.PLANNED)
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "target_date"], name="release_timeline")]

    def __str__(self) -> str:
        return self.name


class RequirementType(models.TextChoices):
    FEATURE = "feature", _("Feature")
    IMPROVEMENT = "improvement", _("Improvement")
    FIX = "fix", _("Fix")
    TECH_DEBT = "tech_debt", _("Tech debt")


class Source(models.TextChoices):
    USER_FEEDBACK = "user_feedback", _("User feedback")
    MARKET_RESEARCH = "market_research", _("Market research")
    INTERNAL = "internal", _("Internal suggestion")
    CUSTOMER = "customer", _("Customer")
    COMPETITOR = "competitor", _("Competitor analysis")
    DATA = "data", _("Data analysis")


class RequirementStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("requirement status", "New")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    NEEDS_CLARIFICATION = "needs_clarification", _("Needs clarification")
    PLANNED = "planned", pgettext_lazy("requirement status", "Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    RELEASED = "released", _("Released")
    CLOSED = "closed", _("Closed")


# Where a requirement may go from each status by hand. `released` is normally reached by the loop
# (its work done and its release shipped); a rejected requirement can be reopened.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    RequirementStatus.NEW: (RequirementStatus.IN_REVIEW, RequirementStatus.REJECTED, RequirementStatus.CLOSED),
    RequirementStatus.IN_REVIEW: (
        RequirementStatus.APPROVED,
        RequirementStatus.REJECTED,
        RequirementStatus.NEEDS_CLARIFICATION,
    ),
    RequirementStatus.NEEDS_CLARIFICATION: (
        RequirementStatus.IN_REVIEW,
        RequirementStatus.REJECTED,
        RequirementStatus.CLOSED,
    ),
    RequirementStatus.APPROVED: (RequirementStatus.PLANNED, RequirementStatus.IN_REVIEW, RequirementStatus.CLOSED),
    RequirementStatus.REJECTED: (RequirementStatus.NEW, RequirementStatus.IN_REVIEW, RequirementStatus.CLOSED),
    RequirementStatus.PLANNED: (RequirementStatus.IN_PROGRESS, RequirementStatus.APPROVED, RequirementStatus.CLOSED),
    RequirementStatus.IN_PROGRESS: (RequirementStatus.RELEASED, RequirementStatus.PLANNED, RequirementStatus.CLOSED),
    RequirementStatus.RELEASED: (RequirementStatus.CLOSED,),
    RequirementStatus.CLOSED: (RequirementStatus.NEW,),
}


class MoSCoW(models.TextChoices):
    MUST = "must", _("Must have")
    SHOULD = "should", _("Should have")
    COULD = "could", _("Could have")
    WONT = "wont", _("Won't have")


class Kano(models.TextChoices):
    MUST_BE = "must_be", _("Must-be")
    PERFORMANCE = "performance", _("Performance")
    ATTRACTIVE = "attractive", _("Attractive")
    INDIFFERENT = "indifferent", _("Indifferent")
    REVERSE = "reverse", _("Reverse")


# The analysis inputs a requirement keeps, in the order forms, the API and exports show them.
NUMERIC_ANALYSIS_FIELDS = (
    "feasibility",
    "market_potential",
    "user_value",
    "effort",
    "reach",
    "impact",
    "confidence",
    "time_criticality",
    "risk_reduction",
    "job_size",
)
ANALYSIS_FIELDS = (*NUMERIC_ANALYSIS_FIELDS, "moscow", "kano")


class Requirement(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    product = models.ForeignKey(Product, on_delete=models.RESTRICT, related_name="requirements")
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    # The PRD: Markdown, every version kept in Revision; `revision` is the number of the current one.
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=1)
    type = models.CharField(_("type"), max_length=20, choices=RequirementType.choices, default=RequirementType.FEATURE)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.INTERNAL)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequirementStatus.choices, default=RequirementStatus.NEW
    )
    release = models.ForeignKey(Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="requirements")
    released_at = models.DateTimeField(null=True, blank=True)
    # Analysis (需求分析): every input may be missing; a model whose inputs are missing gives no score.
    feasibility = models.PositiveSmallIntegerField(_("feasibility"), null=True, blank=True)  # 1–5
    market_potential = models.PositiveSmallIntegerField(_("market potential"), null=True, blank=True)  # 1–5
    # WSJF's four inputs are on SAFe's relative scale 1, 2, 3, 5, 8, 13, 20 (scoring.RELATIVE_SCALE).
    user_value = models.PositiveSmallIntegerField(_("user value"), null=True, blank=True)
    # RICE's effort, in person-months (two decimal places: a week is 0.23).
    effort = models.DecimalField(_("effort"), max_digits=7, decimal_places=2, null=True, blank=True)
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)  # people a quarter
    impact = models.DecimalField(_("impact"), max_digits=3, decimal_places=2, null=True, blank=True)  # 0.25–3
    confidence = models.PositiveSmallIntegerField(_("confidence"), null=True, blank=True)  # per cent
    time_criticality = models.PositiveSmallIntegerField(_("time criticality"), null=True, blank=True)
    risk_reduction = models.PositiveSmallIntegerField(_("risk reduction"), null=True, blank=True)
    job_size = models.PositiveSmallIntegerField(_("job size"), null=True, blank=True)
    moscow = models.CharField(_("MoSCoW"), max_length=10, choices=MoSCoW.choices, blank=True)
    kano = models.CharField(_("Kano category"), max_length=20, choices=Kano.choices, blank=True)
    # The workspace model's score with the demand signal, kept current by the services; null when
    # inputs are missing. The ranked backlog reads it through `requirement_score` (migration 0002).
    score = models.FloatField(null=True, blank=True)
    # The manual order (drag and drop): small first. Spaced out so that a move updates one row.
    rank = models.BigIntegerField(default=0)
    # The demand signal, counted when feedback is linked or unlinked.
    feedback_count = models.PositiveIntegerField(default=0)
    customer_count = models.PositiveIntegerField(default=0)
    segments = models.JSONField(default=list, blank=True)  # the customers' distinct segments, sorted

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "number"], name="requirement_number_once")]
        indexes = [
            models.Index(fields=["workspace", "-id"], name="requirement_list"),
            models.Index(fields=["workspace", "rank", "id"], name="requirement_rank"),
            models.Index(fields=["product", "status", "-id"], name="requirement_product"),
            models.Index(fields=["release", "status"], name="requirement_release"),
            # The search's newest first (core.search); its title match has a trigram index on PostgreSQL.
            models.Index(fields=["workspace", "-updated_at", "-id"], name="requirement_recent"),
        ]

    @property
    def key(self) -> str:
        return f"REQ-{self.number}"

    def __str__(self) -> str:
        return f"{self.key} {self.title}"


class Revision(models.Model):
    """One version of a requirement's PRD, kept for ever so that any two can be compared."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requirement", "number"], name="revision_once")]


class StatusChange(models.Model):
    """One step of a requirement's workflow: who moved it, when, from where to where, and why."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=20, choices=RequirementStatus.choices)
    target = models.CharField(max_length=20, choices=RequirementStatus.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["requirement", "-id"], name="status_change_requirement")]


class RequirementItem(models.Model):
    """A work item that implements a requirement."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="item_links")
    item = models.ForeignKey("projects.WorkItem", on_delete=models.CASCADE, related_name="requirement_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requirement", "item"], name="requirement_item_once")]
        indexes = [models.Index(fields=["item"], name="requirement_item_item")]


class Segment(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    MID_MARKET = "mid_market", _("Mid-market")
    SMALL_BUSINESS = "small_business", _("Small business")
    CONSUMER = "consumer", _("Consumer")
    EDUCATION = "education", _("Education")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


class Customer(VersionedModel):
    """Who gave feedback. Found again by email when there is one, else by name and company."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("customer name"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # The lower-cased email, or "name|company": how a second piece of feedback finds the same customer.
    identity = models.CharField(max_length=420)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "identity"], name="customer_once")]

    def __str__(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name


class FeedbackChannel(models.TextChoices):
    SURVEY = "survey", _("Survey")
    INTERVIEW = "interview", _("Interview")
    APP_STORE = "app_store", _("App-store review")
    SUPPORT = "support", _("Support ticket")
    SOCIAL = "social", _("Social media")
    SALES = "sales", _("Sales")
    IN_APP = "in_app", _("In-app")
    PUBLIC_FORM = "public_form", _("Public form")


class FeedbackKind(models.TextChoices):
    EVALUATION = "evaluation", _("Evaluation")
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class FeedbackStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("feedback status", "New")
    TRIAGED = "triaged", _("Triaged")
    LINKED = "linked", _("Linked")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Feedback(VersionedModel, SoftDeleteModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.RESTRICT, related_name="feedback")
    channel = models.CharField(_("channel"), max_length=20, choices=FeedbackChannel.choices)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.RESTRICT, related_name="feedback")
    content = models.TextField(_("content"))
    kind = models.CharField(_("kind"), max_length=20, choices=FeedbackKind.choices, default=FeedbackKind.SUGGESTION)
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    # A workspace member who gave or recorded it in their own name is told in the app when it ships.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    requirements: Any = models.ManyToManyField(Requirement, through="FeedbackLink", related_name="feedback")

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "status", "-id"], name="feedback_inbox"),
            models.Index(fields=["workspace", "-id"], name="feedback_list"),
            models.Index(fields=["product", "-id"], name="feedback_product"),
            models.Index(fields=["workspace", "-updated_at", "-id"], name="feedback_recent"),
        ]

    def __str__(self) -> str:
        return self.content[:80]


class FeedbackLink(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="links")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="feedback_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feedback", "requirement"], name="feedback_link_once")]
        indexes = [models.Index(fields=["requirement", "feedback"], name="feedback_link_requirement")]


class FeedbackImport(models.Model):
    """An uploaded CSV or Excel file, parsed and checked, waiting for the person to confirm it."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    # [{"row": 2, "values": {...}, "errors": {"field": "message"}}, …]
    rows = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)


class RoadmapShare(models.Model):
    """A read-only link to one product's roadmap for stakeholders outside the workspace."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="shares")
    label = models.CharField(_("label"), max_length=100, blank=True)
    # Only the SHA-256 of the token is kept; the link is shown once, when it is made.
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
