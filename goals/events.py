"""The notifications the goals module sends."""

from django.utils.translation import gettext_lazy as _

from notify.events import declare, listed, owner

declare(
    "key_result.check_in_due",
    label=_("Weekly OKR check-in"),
    title=_("Weekly OKR check-in: %(count)s of your key results have no check-in this week."),
    recipients=listed("people"),
)

# The reminder scan's (notify.reminders) events for key results, which declare a deadline.
declare(
    "key_result.due_soon",
    label=_("My key results due soon"),
    title=_("%(object)s is due on %(due)s"),
    recipients=owner,
)
declare(
    "key_result.overdue",
    label=_("My key results overdue"),
    title=_("%(object)s is not met and overdue: it was due on %(due)s"),
    recipients=owner,
)
declare(
    "key_result.escalated",
    label=_("Overdue key results of my department"),
    title=_("%(object)s, owned by %(owner)s, is not met: it was due on %(due)s"),
    recipients=listed("heads"),
)
