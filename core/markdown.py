"""The one Markdown renderer: markdown-it-py, then the nh3 allow list, http(s)/mailto links only.
An @mention of a known person becomes a link to them."""

import re
from collections.abc import Mapping

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

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
# A handle after a space or punctuation, not inside an email address; a trailing "." ends a sentence.
MENTION = re.compile(r"(?<![\w@])@([\w.\-]{1,150})")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _normalise_url(tag: str, attribute: str, value: str) -> str | None:
    if attribute not in {"href", "src"}:
        return value
    cleaned = _CONTROL.sub("", value)
    scheme = cleaned.split(":", 1)[0].lower() if ":" in cleaned.split("/", 1)[0] else ""
    if scheme and scheme not in {"http", "https", "mailto"}:
        return None
    return cleaned


def mentioned_handles(text: str) -> set[str]:
    return {handle.rstrip(".") for handle in MENTION.findall(text or "")}


def _mention_tokens(text: str, mentions: Mapping[str, str]) -> list[Token]:
    """`text` as text tokens, with each mention of a known handle as a link to its URL."""
    tokens, start = [], 0
    for match in MENTION.finditer(text):
        handle = match.group(1).rstrip(".")
        if handle not in mentions:
            continue
        end = match.start() + 1 + len(handle)
        tokens.append(Token("text", "", 0, content=text[start : match.start()]))
        tokens.append(Token("link_open", "a", 1, attrs={"href": mentions[handle], "class": "mention"}))
        tokens.append(Token("text", "", 0, content=f"@{handle}"))
        tokens.append(Token("link_close", "a", -1))
        start = end
    tokens.append(Token("text", "", 0, content=text[start:]))
    return [t for t in tokens if t.type != "text" or t.content]


def _link_mentions(tokens: list[Token], mentions: Mapping[str, str]) -> None:
    """Replace mentions in plain text only: code spans and blocks are other tokens, and the text of
    a link stays as its author wrote it."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children, in_link = [], 0
        for child in token.children:
            in_link += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if child.type == "text" and not in_link:
                children.extend(_mention_tokens(child.content, mentions))
            else:
                children.append(child)
        token.children = children


def render(text: str, *, mentions: Mapping[str, str] | None = None) -> str:
    """Safe HTML of `text`; `mentions` maps the handles that may be linked to their URLs."""
    env: dict[str, object] = {}
    tokens = _md.parse(text or "", env)
    if mentions:
        _link_mentions(tokens, mentions)
    html = _md.renderer.render(tokens, _md.options, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"a": {"mention"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_normalise_url,
    )
