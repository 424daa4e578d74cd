"""A person's name in pinyin, as Chinese users search and sort people: 林悦 is "linyue" and "ly".

Computed when the name is set (accounts.services) and stored with the person, never per request.
"""

import re

from pypinyin import Style, lazy_pinyin

# What is not Chinese is kept as words of letters and digits: "Emily Chen" → "emily", "chen".
_WORD = re.compile(r"[0-9a-z]+")


def pinyin_of(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower-case, without spaces: ("linyue", "ly")."""
    syllables: list[str] = []
    for chunk in lazy_pinyin(name.strip().lower(), style=Style.NORMAL, errors="default"):
        syllables.extend(_WORD.findall(chunk.lower()))
    full = "".join(syllables)[:200]
    initials = "".join(s[0] for s in syllables)[:100]
    return full, initials
