"""Browser tests: Playwright's sync API driving Debian's Chromium against the live server."""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from accounts import services as accounts
from accounts.models import Department, Membership, Team, TeamKind, User, Workspace
from accounts.queries import membership_for
from conftest import PASSWORD, make_user
from core import services as core
from core.permissions import Role

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API runs an event loop in the test thread, where Django's ORM would refuse to run.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CADENCE_CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """Pages, each in a fresh browser (own cookies). A Content-Security-Policy violation fails the test."""
    contexts, violations = [], []

    def make(language: str = "en") -> Page:
        context = browser.new_context(locale=LOCALES[language], base_url=live_server.url)
        context.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not violations


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@dataclass
class Cast:
    workspace: Workspace
    owner: User  # alice, English
    admin: User  # bob, Chinese
    member: User  # carol, Chinese
    carol: Membership
    department: Department
    team: Team


@pytest.fixture
def cast(transactional_db: Any) -> Cast:
    """A small workspace with something on every page."""
    alice = make_user("alice", language="en")
    bob, carol, dan = make_user("bob"), make_user("carol"), make_user("dan")
    workspace = accounts.create_workspace(alice, name="Acme", slug="acme")
    owner = membership_for(alice, workspace.slug)
    accounts.add_member(owner, user=bob, role=Role.ADMIN)
    carol_membership = accounts.add_member(owner, user=carol, role=Role.MEMBER)
    dan_membership = accounts.add_member(owner, user=dan, role=Role.MEMBER)
    product = accounts.create_department(owner, name="Product", head_id=carol.pk, description="Builds the product.")
    mobile = accounts.create_department(owner, name="Mobile", parent_id=product.pk)
    sales = accounts.create_department(owner, name="Sales")
    old = accounts.create_department(owner, name="Old department")
    accounts.delete_department(owner, old)
    for membership, department in ((carol_membership, mobile), (dan_membership, sales)):
        membership.refresh_from_db()
        accounts.change_member(owner, membership, version=membership.version, department_id=department.pk)
    team = accounts.create_team(owner, name="App", lead_id=carol.pk, member_ids=[carol.pk])
    accounts.create_team(owner, name="Launch", kind=TeamKind.WORK_GROUP, member_ids=[carol.pk, dan.pk])
    core.add_comment(owner, target_type="department", target_id=product.pk, body="Welcome to **Product**.")
    carol_membership.refresh_from_db()
    return Cast(workspace, alice, bob, carol, carol_membership, product, team)


def log_in(page: Page, user: User, *, path: str = "/login/") -> None:
    """Through the real form; field names, so that it works in either language."""
    page.goto(path)
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
