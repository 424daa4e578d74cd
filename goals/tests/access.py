"""Every goals operation: who may call it, with another workspace's objects refused."""

from goals.tests.access_key_results import CASES as KEY_RESULTS
from goals.tests.access_objectives import CASES as OBJECTIVES
from goals.tests.access_review import CASES as REVIEW

CASES = OBJECTIVES + KEY_RESULTS + REVIEW
