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
  it fails only when a deadline written in its title ("2026年3月31日", "3月底", "12/31",
  "by 31 March 2027", "Q3 2027", see `deadlines`) or one of its key results is due outside the
  cycle. Words that stand for no deadline ("尽快", "ASAP") fail it too.
- "owner": exactly one owner. A missing owner fails, and so does wording that shares the
  ownership ("共同负责", "jointly").

Messages say what is missing, in the active language (gettext)."""

import contextlib
import datetime
import functools
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
    r"|最好的|最佳|世界一流|世界级"
    r"|\b(?:as (?:much|many|fast) as possible|where possible|if possible|significantly|substantially"
    r"|considerably|dramatically|greatly|somewhat|some|various|a lot|lots of"
    r"|etc|hopefully|try to|attempt to|world[- ]class|best[- ]in[- ]class|best)\b",
    re.IGNORECASE,
)

# Words that stand for no deadline.
_NO_DEADLINE = re.compile(r"尽快|尽早|越快越好|\b(?:as soon as possible|asap)\b", re.IGNORECASE)

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

# --- Dates in a title --------------------------------------------------------------------------------

READ_AT_MOST = 1000  # characters of a title that are read for dates (a title has at most 300)
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11,
    "Dec": 12,
}  # fmt: skip
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_Y = r"(?:19|20)\d{2}"
_N = r"(?:(?<![0-9])[0-9]{1,2}(?![0-9])|[一二三四五六七八九十]{1,3})"  # 1–31 in digits or Chinese
# English month names are read capitalised only, so that "may" the verb is not a month.
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
# A bare month or year is a date only after a word that makes it one ("by June", "in 2027").
_BY = "".join(
    f"(?<=\\b{word} )|"
    for word in ("by", "By", "in", "In", "before", "until", "till", "through", "during", "due", "end of")
).rstrip("|")
_BY = f"(?:{_BY})"
# One alternation, the longest forms first, so that "2026年3月31日" is not also read as "3月"; the
# lookahead skips at once every position where no date can start (most of them).
_DATE = re.compile(
    r"(?=[0-9一二三四五六七八九十第上下年QqHhJFMASOND])(?:"
    rf"(?P<iso_y>{_Y})[-/.](?P<iso_m>\d{{1,2}})[-/.](?P<iso_d>\d{{1,2}})(?!\d)"
    rf"|(?P<ymd_y>{_Y})\s*年\s*(?P<ymd_m>{_N})\s*月\s*(?P<ymd_d>{_N})\s*[日号]"
    rf"|(?P<yq_y>{_Y})\s*年\s*(?:第\s*)?(?P<yq_q>[一二三四1-4])\s*季度"
    rf"|(?P<yh_y>{_Y})\s*年\s*(?P<yh_h>[上下])半年"
    rf"|(?P<ym_y>{_Y})\s*年\s*(?P<ym_m>{_N})\s*月"
    rf"|(?P<yend_y>{_Y})\s*年(?P<yend_end>底|末)?"
    rf"|(?P<md_m>{_N})\s*月\s*(?P<md_d>{_N})\s*[日号]"
    rf"|第\s*(?P<q_q>[一二三四1-4])\s*季度"
    rf"|(?P<h_h>[上下])半年"
    rf"|(?P<m_m>{_N})\s*月(?!份?[0-9])"
    rf"|(?P<yearend>年底|年末)"
    rf"|\b(?P<dmy_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<dmy_m>{_MONTH})(?:,?\s+(?P<dmy_y>{_Y}))?"
    rf"|\b(?P<mdy_m>{_MONTH})\s+(?P<mdy_d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<mdy_y>{_Y}))?"
    rf"|\b[Qq](?P<eq_q>[1-4])\b(?:\s+(?P<eq_y>{_Y})\b)?"
    rf"|\b(?P<yeq_y>{_Y})\s*[Qq](?P<yeq_q>[1-4])\b"
    rf"|\b[Hh](?P<eh_h>[12])\b(?:\s+(?P<eh_y>{_Y})\b)?"
    rf"|{_BY}(?P<bym_m>{_MONTH})(?!\s+\d{{1,2}}(?!\d))(?:\s+(?P<bym_y>{_Y})\b)?"
    rf"|\b(?P<my_m>{_MONTH})\s+(?P<my_y>{_Y})\b"
    rf"|{_BY}(?P<by_y>{_Y})\b"
    r"|(?<![\d/.])(?P<sl_a>\d{1,2})/(?P<sl_b>\d{1,2})(?![\d/])"
    ")"
)
Period = tuple[datetime.date, datetime.date]


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):  # 十, 十二
        return 10 + (_CN_DIGITS[text[1]] if len(text) > 1 else 0)
    if len(text) > 1 and text[1] == "十":  # 二十, 二十五
        return _CN_DIGITS[text[0]] * 10 + (_CN_DIGITS[text[2]] if len(text) > 2 else 0)
    return _CN_DIGITS[text[0]] if len(text) == 1 else 0


def _month_of(name: str) -> int:
    return _MONTHS[name[:3]]


@dataclass(frozen=True)
class _Written:
    """A date as written: a day, or months from `first` to `last`; `year` None when it names none."""

    start: int
    end: int
    words: str
    year: int | None
    first: int
    last: int
    day: int | None = None

    def period(self, year: int) -> Period:
        if self.day is not None:
            return (datetime.date(year, self.first, self.day),) * 2
        last_day = datetime.date(year + self.last // 12, self.last % 12 + 1, 1) - datetime.timedelta(days=1)
        return datetime.date(year, self.first, 1), last_day


def _reading(g: dict[str, str | None]) -> tuple[int | None, int, int, int | None] | None:
    """What one match says: its year (None when it names none), its first and last month, its day."""
    year = next((int(v) for k, v in g.items() if k.endswith("_y") and v), None)
    for prefix in ("iso", "ymd", "md", "dmy", "mdy"):
        day = g[f"{prefix}_d"]
        if day:
            name = g[f"{prefix}_m"] or ""
            number = _month_of(name) if prefix in ("dmy", "mdy") else _number(name)
            return year, number, number, _number(day)
    if g["sl_a"] and g["sl_b"]:
        if max(len(g["sl_a"]), len(g["sl_b"])) < 2:
            return None  # "1/2", "3/4": a fraction, not a date
        a, b = int(g["sl_a"]), int(g["sl_b"])
        on_month, on_day = (a, b) if a <= 12 else (b, a)
        return None, on_month, on_month, on_day
    for prefix in ("yq", "q", "eq", "yeq"):
        quarter = g[f"{prefix}_q"]
        if quarter:
            q = _number(quarter)
            return year, 3 * q - 2, 3 * q, None
    for prefix in ("yh", "h", "eh"):
        half = g[f"{prefix}_h"]
        if half:
            first = 1 if half in ("上", "1") else 7
            return year, first, first + 5, None
    for prefix in ("ym", "m", "bym", "my"):
        month_words = g[f"{prefix}_m"]
        if month_words:
            number = _number(month_words) if prefix in ("ym", "m") else _month_of(month_words)
            return year, number, number, None
    if g["yearend"] or g["yend_end"]:
        return year, 12, 12, None
    return year, 1, 12, None


@functools.lru_cache(maxsize=4096)
def _dates_in(text: str) -> tuple[_Written, ...]:
    """Each date of the text, where it is and what it says. Cached: the tree checks the same titles
    on every page it shows."""
    found = []
    for match in _DATE.finditer(text[:READ_AT_MOST].translate(_WIDE_DIGITS)):
        reading = _reading(match.groupdict())
        if reading is not None:
            found.append(_Written(match.start(), match.end(), match.group(0).strip(), *reading))
    return tuple(found)


def deadlines(text: str, *, years: tuple[int, ...]) -> list[tuple[str, Period]]:
    """The dates written in `text` (its first READ_AT_MOST characters), each as the words that say
    it and the period it names, first day to last: a day, a month ("3月底", "by June"), a quarter,
    a half-year or a year. A date without its year is read once in each of `years` (a cycle's)."""
    found: list[tuple[str, Period]] = []
    for written in _dates_in(text or ""):
        for year in (written.year,) if written.year else years:
            with contextlib.suppress(ValueError):  # 2月30日, 13/45: not a date
                found.append((written.words, written.period(year)))
    return found


def _outside_the_cycle(text: str, cycle: Any) -> Finding | None:
    """A deadline in the text that no reading puts inside the cycle."""
    if cycle is None:
        return None
    years = tuple(sorted({cycle.start_date.year, cycle.end_date.year}))
    by_words: dict[str, bool] = {}
    for words, (first, last) in deadlines(text, years=years):
        inside = first <= cycle.end_date and last >= cycle.start_date
        by_words[words] = by_words.get(words, False) or inside
    outside = [words for words, inside in by_words.items() if not inside]
    if not outside:
        return None
    return Finding(
        TIME_BOUND,
        _("“%(date)s” lies outside the cycle (%(start)s – %(end)s): set a deadline inside it.")
        % {"date": outside[0], **_span(cycle)},
    )


def _no_deadline(text: str, cycle: Any) -> Finding | None:
    word = _NO_DEADLINE.search(text or "")
    if word is None:
        return None
    if cycle is None:
        return Finding(TIME_BOUND, _("“%(word)s” names no deadline: say by when.") % {"word": word.group(0)})
    return Finding(
        TIME_BOUND,
        _("“%(word)s” names no deadline: say by when, inside the cycle (%(start)s – %(end)s).")
        % {"word": word.group(0), **_span(cycle)},
    )


def has_number(text: str) -> bool:
    """Whether the text names an amount: versions, times and dates ("v2", "Q3", "2026年", "12/31")
    do not count."""
    text = text or ""
    for written in reversed(_dates_in(text)):
        text = text[: written.start] + " " + text[written.end :]
    return bool(_NUMBER.search(_NOT_A_MEASURE.sub(" ", text)))


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


def _time_bound_text(title: str, cycle: Any) -> Finding | None:
    return _outside_the_cycle(title, cycle) or _no_deadline(title, cycle)


def check_text(title: str, *, cycle: Any = None) -> list[Finding]:
    """What the title alone shows: whether it is specific, a deadline it names outside the cycle or
    a word that names none, and wording that shares the ownership."""
    found = (_specific(title), _time_bound_text(title, cycle), _shared_owner(title))
    return [f for f in found if f is not None]


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
    late = [kr for kr in results if kr.due_date is not None and not _inside(cycle, kr.due_date)]
    if late:
        findings.append(
            Finding(
                TIME_BOUND,
                _("Key result “%(title)s” is due outside the cycle (%(start)s – %(end)s).")
                % {"title": late[0].title, **_span(cycle)},
            )
        )
    else:
        findings.append(_time_bound_text(title, cycle))
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
    else:
        findings.append(_no_deadline(title, cycle))
    findings.append(_owner(title, owner_id))
    return [f for f in findings if f is not None]
