"""The design system's rules: one stylesheet, no page styles, an up-to-date icon sprite, the two dark
blocks alike; the components' output; the sidebar's current section; toasts with Undo."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.templatetags.ui import initials
from projects.models import WorkItem

ROOT = Path(__file__).resolve().parent.parent
APP_TEMPLATES = [
    p
    for p in ROOT.glob("*/templates/**/*.html")
    if ".venv" not in p.parts and "email" not in p.parts  # an email client needs its styles inline
]
STYLESHEET = re.compile(r"""<link[^>]*rel=["']stylesheet["'][^>]*>""", re.I)


def test_no_template_keeps_its_own_styles() -> None:
    problems = []
    for path in APP_TEMPLATES:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        if re.search(r"<style[\s>]", text, re.I):
            problems.append(f"{name}: a <style> element")
        if re.search(r"""\sstyle\s*=\s*["'{]""", text, re.I):
            problems.append(f"{name}: a style= attribute")
        for link in STYLESHEET.findall(text):
            # base.html links the shared stylesheets (one line per part); a page links none of its
            # own, and a page outside the layout (a public roadmap) only the one stylesheet.
            if path.name != "base.html" and "css/cadence.css" not in link:
                problems.append(f"{name}: links {link}")
    assert not problems, "\n".join(problems)
    assert APP_TEMPLATES, "no templates found"


def test_the_rule_catches_page_styles(tmp_path: Path) -> None:
    """The patterns above do find what they are for."""
    assert re.search(r"<style[\s>]", "<style>\n.x{}</style>")
    assert re.search(r"""\sstyle\s*=\s*["'{]""", '<p style="color: red">')
    assert STYLESHEET.findall('<link rel="stylesheet" href="/static/css/product-rank.css">')


def test_the_icon_sprite_is_built_from_the_icons_in_use() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_icons.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    sprite = (ROOT / "static" / "vendor" / "lucide" / "sprite.svg").read_text()
    assert '<symbol id="house"' in sprite and (ROOT / "static" / "vendor" / "lucide" / "LICENSE").exists()


def test_the_dark_theme_is_the_same_when_chosen_and_when_the_system_asks_for_it() -> None:
    css = (ROOT / "static" / "css" / "cadence.css").read_text()
    chosen = re.search(r':root\[data-theme="dark"\] \{(.*?)\}', css, re.S)
    system = re.search(r':root\[data-theme="system"\] \{(.*?)\}', css, re.S)
    assert chosen and system
    declarations = [re.findall(r"--[\w-]+:[^;]+;", block.group(1)) for block in (chosen, system)]
    assert declarations[0] == declarations[1] and len(declarations[0]) > 30
    # And no colour is written outside the tokens, but the avatars' hues (dark enough for white in
    # either theme).
    body = css[css.index("/* --- Base") :]
    stray = [line for line in body.splitlines() if re.search(r"#[0-9a-fA-F]{3,8}\b|rgba?\(", line)]
    assert stray and all(".avatar" in line for line in stray), stray


@pytest.mark.parametrize(
    ("name", "expected"),
    [("林悦", "林悦"), ("欧阳娜娜", "娜娜"), ("Alice", "AL"), ("Li Lei", "LL"), ("mary.jane", "MJ"), ("", "?")],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_components_render(world: Any) -> None:
    carol = world.users["member"]
    html = Template(
        "{% load ui %}{% icon 'house' %}|{% avatar user %}|{% person user %}"
        "|{% empty_state 'inbox' 'Nothing yet.' '/new/' 'Create one' %}"
        "|{% page_header 'Items' key='WEB' %}<a class='button' href='/n/'>New</a>{% endpage_header %}"
        "|{% breadcrumbs %}{% crumb '/p/' 'Projects' %}{% endbreadcrumbs %}"
        "|{% tabs 'Views' %}{% tab '/a/' 'Board' True %}{% endtabs %}"
        "|{% dialog 'd1' 'Title' %}Body{% enddialog %}"
    ).render(Context({"user": carol}))
    assert (
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="/static/vendor/lucide/sprite.svg#house">'
        in html
    )
    assert f'<span class="avatar hue-{carol.pk % 8}" aria-hidden="true">CA</span>' in html
    assert '<a class="button" href="/new/">Create one</a>' in html and "<p>Nothing yet.</p>" in html
    assert '<h1><span class="muted">WEB</span> Items</h1>' in html and 'class="page-head-actions"' in html
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/p/">Projects</a></li></ol></nav>' in html
    assert '<li><a href="/a/" aria-current="page">Board</a></li>' in html
    assert '<dialog class="dialog" id="d1" aria-labelledby="d1-title">' in html and "Body" in html


def client_for(world: Any, role: str = "owner") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def current_entry(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" title="[^"]*" aria-current="page">', page)


def test_the_sidebar_marks_the_section_of_every_page(world: Any) -> None:
    client = client_for(world)
    item, requirement = world.extra["item"], world.extra["requirement"]
    cases = {
        "/w/acme/": "/w/acme/",
        f"/w/acme/items/{item.key}/": "/w/acme/projects/",
        "/w/acme/projects/WEB/board/": "/w/acme/projects/",
        "/w/acme/projects/WEB/sprints/": "/w/acme/projects/",
        f"/w/acme/requirements/{requirement.number}/": "/w/acme/requirements/",
        "/w/acme/releases/": "/w/acme/roadmap/",
        "/w/acme/people/": "/w/acme/people/",
        "/w/acme/my-work/": "/w/acme/my-work/",
    }
    for path, expected in cases.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert current_entry(response.content.decode()) == [expected], path


def test_trashing_an_item_offers_an_undo_that_restores_it(world: Any) -> None:
    client = client_for(world)
    item = world.extra["item"]
    response = client.post(reverse("projects:item_delete", args=["acme", item.key]), follow=True)
    page = response.content.decode()
    assert f"{item.key} was moved to the trash." in page
    restore = reverse("core:restore", args=["acme", "work_item", item.pk])
    assert f'action="{restore}"' in page and f'name="next" value="/w/acme/items/{item.key}/"' in page
    assert WorkItem.all_objects.get(pk=item.pk).deleted_at is not None  # type: ignore[attr-defined]

    response = client.post(restore, {"next": f"/w/acme/items/{item.key}/"})
    assert response.status_code == 302 and response["Location"] == f"/w/acme/items/{item.key}/"
    assert WorkItem.objects.get(pk=item.pk).deleted_at is None
    # Someone who may not delete it cannot.
    guest = client_for(world, "guest")
    assert guest.post(reverse("projects:item_delete", args=["acme", item.key])).status_code == 403
    assert WorkItem.objects.get(pk=item.pk).deleted_at is None


def test_trashing_a_requirement_offers_an_undo(world: Any) -> None:
    client = client_for(world)
    requirement = world.extra["requirement"]
    response = client.post(reverse("product:requirement-delete", args=["acme", requirement.number]), follow=True)
    page = response.content.decode()
    restore = reverse("core:restore", args=["acme", "requirement", requirement.pk])
    assert f'action="{restore}"' in page and "Undo" in page
    response = client.post(restore, {"next": f"/w/acme/requirements/{requirement.number}/"})
    assert response["Location"] == f"/w/acme/requirements/{requirement.number}/"
    assert client.get(response["Location"]).status_code == 200
    # A next that leaves the site is ignored.
    client.post(reverse("product:requirement-delete", args=["acme", requirement.number]))
    response = client.post(restore, {"next": "https://evil.example/"})
    assert response["Location"] == "/w/acme/trash/"
