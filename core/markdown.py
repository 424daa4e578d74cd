"""The one Markdown renderer: markdown-it-py, then the nh3 allow list, http(s)/mailto links only."""

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _normalise_url(tag: str, attribute: str, value: str) -> str | None:
    if attribute not in {"href", "src"}:
        return value
    cleaned = _CONTROL.sub("", value)
    scheme = cleaned.split(":", 1)[0].lower() if ":" in cleaned.split("/", 1)[0] else ""
    if scheme and scheme not in {"http", "https", "mailto"}:
        return None
    return cleaned


def render(text: str) -> str:
    html = _md.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_normalise_url,
    )
