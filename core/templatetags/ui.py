"""The components of the design system (docs/ui.md): `{% load ui %}`.

Each renders one template of core/templates/ui/, so its markup lives in one place and its look in
static/css/cadence.css. Block components (page header, breadcrumbs, tabs, dialog) take their body
from between the tags.
"""

import unicodedata
from typing import Any

from django import template
from django.contrib.messages.storage.base import Message
from django.template.base import Parser, Token
from django.template.context import Context
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.toasts import parse_undo

register = template.Library()
SPRITE = "vendor/lucide/sprite.svg"
AVATAR_HUES = 8


@register.simple_tag
def icon(name: str, css_class: str = "") -> SafeString:
    """An icon of the sprite; decorative, so its meaning must be in the text beside it."""
    classes = f"icon {css_class}".strip()
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        classes,
        static(SPRITE),
        name,
    )


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "HANGUL", "HIRAGANA", "KATAKANA"))


def initials(name: str) -> str:
    """Two letters for a person: a Chinese name's last two characters (the given name, as DingTalk and
    Feishu show it), else the first letters of the first two words."""
    name = name.strip().lstrip("@")
    if not name:
        return "?"
    if any(_is_cjk(ch) for ch in name):
        han = [ch for ch in name if not ch.isspace()]
        return "".join(han[-2:])
    words = [w for w in name.replace(".", " ").replace("_", " ").split() if w]
    letters = "".join(w[0] for w in words[:2]) if len(words) > 1 else name[:2]
    return letters.upper()


@register.simple_tag
def avatar(user: Any, size: str = "") -> SafeString:
    """A person's picture, or their initials on a colour that only their id decides. Decorative
    (aria-hidden): the name is always written beside it, or given to the control that holds it."""
    if user is None:
        return SafeString("")
    person = getattr(user, "user", user)  # a membership stands for its user
    size_class = f" size-{size}" if size else ""
    if getattr(person, "avatar", ""):
        url = reverse("accounts:avatar", args=[person.pk, person.avatar[:8]])
        return format_html('<img class="avatar{}" src="{}" alt="" aria-hidden="true">', size_class, url)
    hue = (person.pk or 0) % AVATAR_HUES
    return format_html(
        '<span class="avatar hue-{}{}" aria-hidden="true">{}</span>', hue, size_class, initials(str(person))
    )


@register.simple_tag
def person(user: Any, size: str = "sm") -> SafeString:
    """An avatar and the person's name: owner cells, people lists."""
    if user is None:
        return SafeString("—")
    who = getattr(user, "user", user)
    return format_html('<span class="person">{}<span>{}</span></span>', avatar(who, size), str(who))


@register.inclusion_tag("ui/empty_state.html")
def empty_state(
    icon_name: str, message: str, action_url: str = "", action_label: str = "", allowed: bool = True
) -> dict[str, Any]:
    """What an empty list says, and the action that fills it, shown when `allowed` (the user may take it)."""
    url = action_url if allowed else ""
    return {"icon_name": icon_name, "message": message, "action_url": url, "action_label": action_label}


@register.inclusion_tag("ui/toasts.html", takes_context=True)
def toasts(context: Context) -> dict[str, Any]:
    """Django's messages as toasts; a message added by core.toasts.with_undo carries an Undo button."""
    entries = []
    for message in context.get("messages") or []:
        entries.append({"message": message, "level": _level(message), "undo": parse_undo(message.extra_tags)})
    return {"entries": entries, "actor": context.get("actor"), "csrf_token": context.get("csrf_token")}


def _level(message: Message) -> str:
    return message.level_tag or "info"


class _BlockNode(template.Node):
    def __init__(self, template_name: str, nodelist: template.NodeList, args: list[Any], kwargs: dict[str, Any]):
        self.template_name, self.nodelist, self.args, self.kwargs = template_name, nodelist, args, kwargs

    def render(self, context: Context) -> str:
        values = {key: value.resolve(context) for key, value in self.kwargs.items()}
        values["args"] = [value.resolve(context) for value in self.args]
        values["body"] = SafeString(self.nodelist.render(context))
        return render_to_string(self.template_name, values)


def _block(name: str, template_name: str) -> None:
    def compile_block(parser: Parser, token: Token) -> _BlockNode:
        bits = token.split_contents()[1:]
        nodelist = parser.parse((f"end{name}",))
        parser.delete_first_token()
        args, kwargs = [], {}
        for bit in bits:
            key, sep, value = bit.partition("=")
            if sep:
                kwargs[key] = parser.compile_filter(value)
            else:
                args.append(parser.compile_filter(bit))
        return _BlockNode(template_name, nodelist, args, kwargs)

    register.tag(name, compile_block)


# {% page_header title key=… %}actions{% endpage_header %}: the page's <h1>, its key, and its actions.
_block("page_header", "ui/page_header.html")
# {% breadcrumbs %}{% crumb url label %}…{% endbreadcrumbs %}: where a detail page sits.
_block("breadcrumbs", "ui/breadcrumbs.html")
# {% tabs label %}{% tab url label current %}…{% endtabs %}: views of one thing.
_block("tabs", "ui/tabs.html")
# {% dialog id title %}body{% enddialog %}: a native <dialog>; opened by [data-dialog-open="id"].
_block("dialog", "ui/dialog.html")


@register.simple_tag
def crumb(url: str, label: Any) -> SafeString:
    return format_html('<li><a href="{}">{}</a></li>', url, label)


@register.simple_tag
def tab(url: str, label: Any, current: bool = False, icon_name: str = "") -> SafeString:
    mark = SafeString(' aria-current="page"') if current else ""
    glyph = icon(icon_name) if icon_name else ""
    return format_html('<li><a href="{}"{}>{}{}</a></li>', url, mark, glyph, label)
