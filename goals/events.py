"""The notifications the goals module sends."""

from django.utils.translation import gettext_lazy as _

from notify.events import declare, listed

declare(
    "key_result.check_in_due",
    label=_("Weekly OKR check-in"),
    title=_("Weekly OKR check-in: %(count)s of your key results have no check-in this week."),
    recipients=listed("people"),
)
