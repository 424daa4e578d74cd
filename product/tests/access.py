"""Every product operation: staff, members and nobody else (guests get 403)."""

from product.tests.access_feedback import CASES as FEEDBACK
from product.tests.access_releases import CASES as RELEASES
from product.tests.access_requirements import CASES as REQUIREMENTS

CASES = REQUIREMENTS + FEEDBACK + RELEASES
