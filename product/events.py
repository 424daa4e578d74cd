"""The notifications the product module sends."""

from django.utils.translation import gettext_lazy as _

from notify.events import declare, listed

declare(
    "requirement.released",
    label=_("Released requirements I gave feedback on"),
    title=_("Shipped in %(release)s: %(object)s. Thank you for your feedback."),
    recipients=listed("people"),
)
