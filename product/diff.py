"""A readable comparison of two versions of a text (a requirement's PRD): line by line, with the
changed words of a changed line marked.

`compare()` gives the structure (the API sends it as it is); `as_html()` renders it for the web,
escaping every piece of the text: the versions are user text and are never trusted as markup.
"""

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Op = Literal["equal", "insert", "delete"]

# Words, runs of spaces and single punctuation marks; each Chinese, Japanese or Korean character is
# a word of its own, since those scripts put no spaces between words.
_TOKEN = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|\w+|\s+|[^\w\s]", re.UNICODE)
# Word-level highlighting is skipped where it would cost more than it tells: very long lines, or a
# changed block much larger than a paragraph.
MAX_WORD_DIFF_LINE = 2000
MAX_PAIRED_LINES = 200
# Two lines less alike than this are shown as one removed and one added, without marked words.
SIMILAR = 0.4


@dataclass
class Segment:
    op: Op
    text: str


@dataclass
class Line:
    """One line of the comparison. `op` is equal, delete (only in the old version) or insert (only
    in the new one); `old` and `new` are its line numbers in each version (None where it is not
    in that version). A line that was changed appears as a delete followed by an insert, and both
    carry `segments` marking the words that differ."""

    op: Op
    old: int | None
    new: int | None
    text: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Comparison:
    lines: list[Line]
    title: list[Segment]
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed) or any(s.op != "equal" for s in self.title)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def words(old: str, new: str) -> tuple[list[Segment], list[Segment], float]:
    """The two texts as segments: in the old, what was removed is `delete`; in the new, what was
    added is `insert`; the rest `equal`. Last, how alike they are (0 to 1)."""
    a, b = _tokens(old), _tokens(new)
    before: list[Segment] = []
    after: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(before, "equal", "".join(a[i1:i2]))
            _append(after, "equal", "".join(b[j1:j2]))
            continue
        if i2 > i1:
            _append(before, "delete", "".join(a[i1:i2]))
        if j2 > j1:
            _append(after, "insert", "".join(b[j1:j2]))
    return before, after, matcher.ratio()


def inline(old: str, new: str) -> list[Segment]:
    """One text showing both versions: what was removed (`delete`) next to what replaced it
    (`insert`), in reading order."""
    a, b = _tokens(old), _tokens(new)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "equal", "".join(b[j1:j2]))
            continue
        _append(segments, "delete", "".join(a[i1:i2]))
        _append(segments, "insert", "".join(b[j1:j2]))
    return segments


def _append(segments: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1].text += text
    else:
        segments.append(Segment(op, text))


def _changed_block(old_lines: list[str], new_lines: list[str], i1: int, j1: int) -> list[Line]:
    """A block of old lines replaced by new ones: paired line by line (with word highlighting)
    where that stays cheap, each pair shown as the old line then the new one."""
    lines: list[Line] = []
    paired = min(len(old_lines), len(new_lines))
    highlight = paired <= MAX_PAIRED_LINES
    for k in range(max(len(old_lines), len(new_lines))):
        old = old_lines[k] if k < len(old_lines) else None
        new = new_lines[k] if k < len(new_lines) else None
        if (
            old is not None
            and new is not None
            and highlight
            and len(old) <= MAX_WORD_DIFF_LINE
            and len(new) <= MAX_WORD_DIFF_LINE
        ):
            before, after, alike = words(old, new)
            if alike >= SIMILAR:
                lines.append(Line("delete", i1 + k + 1, None, old, before))
                lines.append(Line("insert", None, j1 + k + 1, new, after))
                continue
        if old is not None:
            lines.append(Line("delete", i1 + k + 1, None, old))
        if new is not None:
            lines.append(Line("insert", None, j1 + k + 1, new))
    return lines


def compare(old_title: str, old_text: str, new_title: str, new_text: str) -> Comparison:
    """Line by line from the old version to the new one, and the title word by word."""
    a, b = (old_text or "").splitlines(), (new_text or "").splitlines()
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [Line("equal", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
        elif tag == "delete":
            lines += [Line("delete", i1 + k + 1, None, a[i1 + k]) for k in range(i2 - i1)]
        elif tag == "insert":
            lines += [Line("insert", None, j1 + k + 1, b[j1 + k]) for k in range(j2 - j1)]
        else:
            lines += _changed_block(a[i1:i2], b[j1:j2], i1, j1)
    return Comparison(
        lines=lines,
        title=inline(old_title or "", new_title or ""),
        added=sum(1 for line in lines if line.op == "insert"),
        removed=sum(1 for line in lines if line.op == "delete"),
    )


# --- HTML ----------------------------------------------------------------------------------------


def _segments_html(segments: list[Segment]) -> str:
    parts = []
    for segment in segments:
        text = escape(segment.text)
        if segment.op == "insert":
            parts.append(f"<ins>{text}</ins>")
        elif segment.op == "delete":
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(text)
    return "".join(parts)


def title_html(comparison: Comparison) -> SafeString:
    return mark_safe(_segments_html(comparison.title))  # noqa: S308  (every piece is escaped)


def as_html(comparison: Comparison) -> SafeString:
    """The comparison as table rows (old line number, new line number, the line): removed lines
    in <del>, added ones in <ins>, changed words marked inside them. Screen readers hear which is
    which from a hidden word, since <ins> and <del> are seldom announced."""
    if not comparison.lines:
        empty = escape(_("Both versions are empty."))
        return mark_safe(f'<tr><td colspan="3" class="empty">{empty}</td></tr>')  # noqa: S308
    removed, added = escape(_("Removed:")), escape(_("Added:"))
    rows = []
    for line in comparison.lines:
        old = "" if line.old is None else str(line.old)
        new = "" if line.new is None else str(line.new)
        if line.op == "equal":
            body = str(escape(line.text))
            css = "diff-equal"
        else:
            label, tag = (removed, "del") if line.op == "delete" else (added, "ins")
            # A changed line marks its changed words; a line removed or added whole is marked whole.
            if line.segments:
                inner = _segments_html(line.segments)
            else:
                inner = f'<{tag} class="diff-line">{escape(line.text)}</{tag}>'
            body = f'<span class="visually-hidden">{label} </span>{inner}'
            css = f"diff-{line.op}"
        marker = {"equal": " ", "delete": "−", "insert": "+"}[line.op]
        rows.append(
            f'<tr class="{css}"><td class="diff-number">{old}</td><td class="diff-number">{new}</td>'
            f'<td class="diff-text"><span class="diff-marker" aria-hidden="true">{marker}</span>{body}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308  (every piece of text is escaped)
