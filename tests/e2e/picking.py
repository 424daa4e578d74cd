"""Choosing in a typeahead picker (core/widgets.py, static/js/picker.js), as a user does."""

import re
from typing import Any

from playwright.sync_api import expect


def pick(scope: Any, label: str, text: str, option: str | None = None) -> None:
    """Type `text` into the picker labelled `label` (in a page or a part of one) and click the option
    whose name contains `option` (by default `text`)."""
    box = scope.get_by_role("combobox", name=label, exact=True)
    box.fill(text)
    choice = scope.get_by_role("option", name=re.compile(re.escape(option or text)))
    expect(choice.first).to_be_visible()
    choice.first.click()
