"""The SMART check (SMART原则) of objectives and key results: rule-based, Chinese and English.

Four codes, at most one finding each, in this order:
- "specific": the title says what changes. It fails when it is empty, too short or a generic phrase
  ("做好工作", "do our best"), when it leans on a vague qualifier ("尽量", "显著", "significantly",
  "as much as possible"), or when it uses a vague verb ("提升", "优化", "improve", "enhance") without
  saying by how much: a number in the title (or, for a key result, its target) says it.
- "measurable": an objective has a number in its title or a key result with a target; a key result
  has a target (yes / no and milestone results measure themselves; a target equal to the start is
  a level to keep, "keep availability at 99.9 %").
- "time_bound": a key result has a due date inside its cycle; an objective ends with its cycle, so
  it fails only when one of its key results is due outside the cycle.
- "owner": exactly one owner. A missing owner fails, and so does wording that shares the
  ownership ("共同负责", "jointly").

Messages say what is missing, in the active language (gettext)."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from goals.models import Metric

SPECIFIC, MEASURABLE, TIME_BOUND, OWNER = "specific", "measurable", "time_bound", "owner"
CODES = (SPECIFIC, MEASURABLE, TIME_BOUND, OWNER)


@dataclass(frozen=True)
class Finding:
    code: str  # "specific", "measurable", "time_bound" or "owner"
    message: str  # in the active language


# --- The word lists --------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9$€£¥][A-Za-z0-9'’.,%-]*")

# A number: digits (ASCII or full width), English number words, Chinese numerals that count
# something ("三个", "两倍", "百分之九十", "八成"). A lone "一" ("一些", "一个") does not count.
_NUMBER = re.compile(
    r"[0-9０-９]"
    r"|百分之[零一二两三四五六七八九十百点]+"
    r"|[一二两三四五六七八九十百千万亿]+倍"
    r"|[二两三四五六七八九十][零一二三四五六七八九十百千万亿]*[个位名次家款项条万千百亿元人天周月年分倍成%]"
    r"|[一二三四五六七八九]成"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    r"|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|double|doubles|doubling|triple"
    r"|halve|halves|twice|percent)\b",
    re.IGNORECASE,
)

# Numbers that name a version or a time, not an amount: "v2", "Q3", "H1", "by 2026", "2026年", "3月".
_NOT_A_MEASURE = re.compile(
    r"\b[vV]\d+(?:\.\d+)*\b|\b[QqHh][1-4]\b|\b(?:in|by|before|until|of|for)\s+(?:19|20)\d{2}\b"
    r"|(?:19|20)\d{2}\s*年|[0-9一二三四五六七八九十]{1,2}\s*月(?:底|份|初|中)?|第[一二三四1-4]季度|[上下]半年",
    re.IGNORECASE,
)

# Verbs that name a direction but not a destination.
_VAGUE_VERBS = re.compile(
    r"提升|提高|改善|改进|优化|加强|增强|强化|推进|推动|促进|完善|加快|扩大|降低|减少|增加|增长|做好|做大|做强|关注"
    r"|\b(?:improv(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|enhanc(?:e|es|ed|ing)|optimi[sz](?:e|es|ed|ing)"
    r"|boost(?:s|ed|ing)?|strengthen(?:s|ed|ing)?|reduc(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|grow(?:s|ing)?"
    r"|expand(?:s|ed|ing)?|drive|driving|promot(?:e|es|ed|ing)|lower(?:s|ed|ing)?"
    r"|rais(?:e|es|ed|ing)|maximi[sz](?:e|es|ed|ing)|minimi[sz](?:e|es|ed|ing)|accelerat(?:e|es|ed|ing)"
    r"|focus(?:es|ed|ing)? on|work(?:s|ed|ing)? on)\b",
    re.IGNORECASE,
)

# Words that blur an amount or a scope, with or without a number.
_VAGUE_QUALIFIERS = re.compile(
    r"尽量|尽可能|争取|力争|适当|适度|大幅度?|显著|明显|较大|较好|进一步|一些|若干|等等|各种|各方面|方方面面"
    r"|\b(?:as (?:much|many|soon|fast) as possible|where possible|if possible|significantly|substantially"
    r"|considerably|dramatically|greatly|somewhat|some|various|a lot|lots of"
    r"|etc|hopefully|try to|attempt to|world[- ]class|best[- ]in[- ]class)\b",
    re.IGNORECASE,
)

# Comparatives: vague unless a number says how much ("20 more customers" is fine).
_COMPARATIVES = re.compile(
    r"更好|更多|更高|更快|更强|更优|更低|更少"
    r"|\b(?:better|more|faster|higher|lower|fewer|less|stronger|cheaper|bigger)\b",
    re.IGNORECASE,
)

# Phrases that say nothing about an outcome.
_GENERIC = re.compile(
    r"做好工作|做好本职|完成任务|完成工作|努力工作|认真工作|全力以赴|再接再厉|取得突破|取得成功|更上一层楼|持续改进|不断提升"
    r"|\b(?:do (?:our|my|your|their) best|do better|work harder|work hard|be better|make (?:it|things) better"
    r"|improve things|be successful|achieve success|keep improving|continuous improvement|business as usual"
    r"|move the needle)\b",
    re.IGNORECASE,
)

# Wording that shares the ownership.
_SHARED_OWNER = re.compile(
    r"共同负责|共同承担|共同完成|共同推进|一起负责|联合负责|共担|全员负责|大家一起|大家负责|多人负责|各部门共同|集体负责"
    r"|\b(?:jointly|co-?own(?:s|ed|ers?|ership)?|shared (?:ownership|responsibility)"
    r"|everyone(?:'s)? (?:owns|is responsible)|all of us|whole team owns|owned by (?:all|everyone|the team))\b",
    re.IGNORECASE,
)

SHORTEST = 3  # words; two Chinese characters count as one word


def has_number(text: str) -> bool:
    """Whether the text names an amount: versions and times ("v2", "Q3", "2026年") do not count."""
    return bool(_NUMBER.search(_NOT_A_MEASURE.sub(" ", text or "")))


def _size(text: str) -> float:
    """The title's length in words: Latin words and numbers, and two Chinese characters a word."""
    return len(_CJK.findall(text)) / 2 + len(_LATIN_WORD.findall(text))


def _specific(title: str, *, number_elsewhere: bool = False) -> Finding | None:
    title = (title or "").strip()
    if not title:
        return Finding(SPECIFIC, _("Say what you want to achieve: what changes, for whom, by how much."))
    generic = _GENERIC.search(title)
    if generic:
        return Finding(
            SPECIFIC,
            _("“%(phrase)s” is too generic: name the result you want, for whom, and by how much.")
            % {"phrase": generic.group(0)},
        )
    if _size(title) < SHORTEST:
        return Finding(SPECIFIC, _("Too short to say what changes: name what, for whom and by how much."))
    qualifier = _VAGUE_QUALIFIERS.search(title)
    if qualifier:
        return Finding(
            SPECIFIC,
            _("“%(word)s” is vague: replace it with an exact amount, date or scope.") % {"word": qualifier.group(0)},
        )
    if number_elsewhere or has_number(title):
        return None
    comparative = _COMPARATIVES.search(title)
    if comparative:
        return Finding(
            SPECIFIC,
            _("“%(word)s” compared with what? Say by how much, with a number.") % {"word": comparative.group(0)},
        )
    verb = _VAGUE_VERBS.search(title)
    if verb:
        return Finding(
            SPECIFIC,
            _("“%(word)s” says which way, not how far: add the number you aim for (from what, to what).")
            % {"word": verb.group(0)},
        )
    return None


def _shared_owner(title: str) -> Finding | None:
    shared = _SHARED_OWNER.search(title or "")
    if shared:
        return Finding(
            OWNER,
            _("“%(word)s” shares the ownership: one person owns it, the others contribute.")
            % {"word": shared.group(0)},
        )
    return None


def _owner(title: str, owner_id: int | None) -> Finding | None:
    if owner_id is None:
        return Finding(OWNER, _("Choose one owner: one person answers for it."))
    return _shared_owner(title)


def check_text(title: str) -> list[Finding]:
    """What the title alone shows: whether it is specific, and wording that shares the ownership."""
    return [f for f in (_specific(title), _shared_owner(title)) if f is not None]


def _target_set(metric: str, target_value: Decimal | None) -> bool:
    if metric in (Metric.YES_NO, Metric.MILESTONE):
        return True  # done or not, and the named milestones, are their own measure
    return target_value is not None


def _inside(cycle: Any, day: datetime.date) -> bool:
    return cycle is None or cycle.start_date <= day <= cycle.end_date


def _span(cycle: Any) -> dict[str, str]:
    return {"start": cycle.start_date.isoformat(), "end": cycle.end_date.isoformat()}


def check_objective(*, title: str, owner_id: int | None, cycle: Any, key_results: list[Any]) -> list[Finding]:
    """An objective: its title, its owner, and what its (not deleted) key results add."""
    results = [kr for kr in key_results if getattr(kr, "deleted_at", None) is None]
    findings = [_specific(title)]
    measured = has_number(title) or any(_target_set(kr.metric, kr.target_value) for kr in results)
    if not measured:
        findings.append(
            Finding(MEASURABLE, _("Nothing measures it yet: add a number to the title or a key result with a target."))
        )
    if cycle is not None:
        late = [kr for kr in results if kr.due_date is not None and not _inside(cycle, kr.due_date)]
        if late:
            findings.append(
                Finding(
                    TIME_BOUND,
                    _("Key result “%(title)s” is due outside the cycle (%(start)s – %(end)s).")
                    % {"title": late[0].title, **_span(cycle)},
                )
            )
    findings.append(_owner(title, owner_id))
    return [f for f in findings if f is not None]


def check_key_result(
    *,
    title: str,
    metric: str,
    start_value: Decimal | None,
    target_value: Decimal | None,
    owner_id: int | None,
    due_date: datetime.date | None,
    cycle: Any,
) -> list[Finding]:
    """A key result: its title (its target counts as the number a vague verb lacks), a target, a
    due date inside the cycle, and one owner. `start_value` is taken for the callers' sake: a
    target equal to it is a level to keep, as good a measure as any other."""
    measured = _target_set(metric, target_value)
    findings = [_specific(title, number_elsewhere=measured)]
    if not measured:
        findings.append(Finding(MEASURABLE, _("Set a target value.")))
    if due_date is None:
        if cycle is not None:
            message = _("Set a due date inside the cycle (%(start)s – %(end)s).") % _span(cycle)
        else:
            message = _("Set a due date.")
        findings.append(Finding(TIME_BOUND, message))
    elif not _inside(cycle, due_date):
        findings.append(
            Finding(
                TIME_BOUND,
                _("The due date %(date)s is outside the cycle (%(start)s – %(end)s).")
                % {"date": due_date.isoformat(), **_span(cycle)},
            )
        )
    findings.append(_owner(title, owner_id))
    return [f for f in findings if f is not None]
