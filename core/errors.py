"""The one error family raised by services.

The API renders these as problem+json (RFC 9457); the web renders them as form errors or pages.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class CadenceError(Exception):
    status = 400
    title: Any = _("The request could not be completed.")

    def __init__(self, detail: Any = None) -> None:
        self.detail = detail if detail is not None else self.title
        super().__init__(str(self.detail))


class NotFound(CadenceError):
    """Missing and forbidden-to-see are the same answer, so nothing leaks."""

    status = 404
    title = _("Not found.")


class PermissionDenied(CadenceError):
    status = 403
    title = _("You do not have permission to do this.")


class Unauthenticated(CadenceError):
    status = 401
    title = _("Authentication required.")


class Conflict(CadenceError):
    """Someone else changed the object since it was read; `current` is what it is now."""

    status = 409
    title = _("This was changed by someone else. Review the current version and try again.")

    def __init__(self, detail: Any = None, *, current: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.current = current


class ValidationFailed(CadenceError):
    """Bad input; `errors` maps field names to messages in the user's language."""

    status = 422
    title = _("Some fields are not valid.")

    def __init__(self, errors: dict[str, Any], detail: Any = None) -> None:
        super().__init__(detail)
        self.errors = {
            field: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])] for field, msgs in errors.items()
        }


class RateLimited(CadenceError):
    status = 429
    title = _("Too many attempts. Try again later.")

    def __init__(self, retry_after: int, detail: Any = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
