"""An @mention of a member of the workspace is a link to that person, in the comment as stored and
as the page shows it; unknown names, outsiders and code stay plain text."""

from typing import Any

from django.test import Client

from core import markdown, services


def test_a_mention_of_a_member_links_to_their_page(world: Any) -> None:
    carol = world.actor("member")
    comment = services.add_comment(
        world.actor("owner"),
        target_type="department",
        target_id=world.department.pk,
        body="Thanks @carol. Not `@carol` nor @nobody nor @olga.\n\n```\n@carol\n```\n\n[see @carol](https://example.test)",
    )
    link = f'<a href="/w/acme/people/{carol.pk}/" class="mention" rel="noopener noreferrer nofollow">@carol</a>'
    assert comment.body_html.count(link) == 1, comment.body_html
    assert "<code>@carol</code>" in comment.body_html
    assert "<pre><code>@carol\n</code></pre>" in comment.body_html
    assert "@nobody nor @olga." in comment.body_html  # unknown, and a person of another workspace
    assert '<a href="https://example.test" rel="noopener noreferrer nofollow">see @carol</a>' in comment.body_html

    client = Client()
    client.force_login(world.users["owner"])
    page = client.get(f"/w/acme/departments/{world.department.pk}/").content.decode()
    assert link in page


def test_the_link_survives_the_sanitiser_but_a_written_class_does_not() -> None:
    html = markdown.render(
        "hi @carol and <a class='mention' href='/x'>fake</a>", mentions={"carol": "/w/acme/people/3/"}
    )
    assert 'href="/w/acme/people/3/" class="mention"' in html
    assert "<a class" not in html.replace('<a href="/w/acme/people/3/" class="mention"', "")


def test_a_trailing_full_stop_is_not_part_of_the_name() -> None:
    html = markdown.render("ask @carol.", mentions={"carol": "/p/3/"})
    assert '<a href="/p/3/" class="mention" rel="noopener noreferrer nofollow">@carol</a>.' in html
