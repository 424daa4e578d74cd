"""One notification → the exact HTTP request each chat service's webhook documents.

Pure functions: no database, no network, no clock (`now` is passed in, so tests are exact).
Sending is done by `core.outbound.post(request.url, request.body, request.headers)`.

Formats, as documented (checked against the services' pages and SDK copies of them):

- DingTalk custom robot (钉钉自定义机器人), https://open.dingtalk.com/document/robots/custom-robot-access
  and .../robots/message-types-and-data-format: POST JSON to the webhook URL,
  `{"msgtype": "markdown", "markdown": {"title", "text"}, "at": {"atMobiles", "isAtAll"}}`; the
  request must be UTF-8. Signing (加签): timestamp in milliseconds (within 1 h of DingTalk's clock),
  sign = urlEncode(base64(HmacSHA256(key=secret, msg=f"{timestamp}\\n{secret}"))), added to the URL
  as `&timestamp=…&sign=…`. No length limit is documented: we keep the text within 4096 UTF-8 bytes,
  WeCom's limit.
- WeCom group robot (企业微信群机器人), https://developer.work.weixin.qq.com/document/path/91770:
  POST JSON to `…/cgi-bin/webhook/send?key=…`, `{"msgtype": "markdown", "markdown": {"content"}}`,
  content at most 4096 bytes of UTF-8. No signature: the key in the URL is the secret.
  `<@userid>` in text and markdown content mentions a member.
- Feishu custom bot (飞书自定义机器人), https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot:
  POST JSON `{"timestamp", "sign", "msg_type": "post", "content": {"post": {"zh_cn": {"title",
  "content": [[tags…]]}}}}`. Signing: timestamp in seconds, as a string (within 1 h);
  sign = base64(HmacSHA256(key=f"{timestamp}\\n{secret}", msg=b"")): the key is the string to sign
  and the message is empty. The request body must stay under 20 KB (error 9499: "请求体大小不能超过20k").
- Slack incoming webhook, https://api.slack.com/messaging/webhooks, block reference
  https://api.slack.com/reference/block-kit/blocks: POST JSON `{"text": fallback, "blocks": […]}`;
  section text at most 3000 characters; no signature.
- Generic (Cadence's own): POST JSON `{"id", "event", "occurred_at", "workspace", "title", "text",
  "url", "data"}` with headers X-Cadence-Event, X-Cadence-Delivery (the idempotency key: a receiver
  drops a delivery id it has seen), X-Cadence-Timestamp (unix seconds) and, with a secret,
  X-Cadence-Signature: sha256=<hex HmacSHA256(key=secret, msg=f"{timestamp}.".encode() + body)>.
  A receiver checks it with `verify_generic` and should also refuse an old timestamp (say > 5 min).

User text (title, text, workspace name) is never trusted as markup:

- DingTalk and WeCom markdown: neither documents an escape syntax, and a backslash that the
  renderer does not honour would both show and fail to protect. So the characters that start markup
  are replaced by their full-width forms, which look alike and which no markdown parser reads:
  backslash, backtick and * _ ~ [ ] < > # | everywhere (emphasis, code, links, images, HTML such as
  <font>, WeCom's <@userid> mentions, headings, tables); & before an entity name ("&lt;" would show
  as "<"); at the start of a line - + = and the . or ) of "1." (lists, setext headings, rules).
  Leading spaces are dropped (indented code). DingTalk mentions only the people listed in "at",
  which is always empty here.
- Feishu: "post" text tags are shown as they are (un_escape is off), so nothing needs escaping.
- Slack: mrkdwn has no escape for * _ ~ and backtick, so user text goes into plain_text objects,
  which are not parsed; the one mrkdwn element holds only our own link <url>. The fallback "text"
  is mrkdwn, so & < > are escaped there as Slack documents (&amp; &lt; &gt;), which stops mentions
  (<!channel>, <@U…>) and links.
- Generic: JSON values, given as they are; the receiver escapes for its own output.

Text too long for a service is cut and ends with "…". Bodies are compact UTF-8 JSON
(ensure_ascii=False), sent as `application/json; charset=utf-8`.
"""

import base64
import datetime
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

KINDS = ("dingtalk", "wecom", "feishu", "slack", "generic")

CONTENT_TYPE = "application/json; charset=utf-8"
ELLIPSIS = "…"
DINGTALK_TEXT_MAX_BYTES = 4096  # not documented by DingTalk; WeCom's limit, to be safe
WECOM_CONTENT_MAX_BYTES = 4096  # "最长不超过4096个字节，必须是utf8编码"
FEISHU_BODY_MAX_BYTES = 20_000  # "请求体大小不能超过20k", read as the smaller of 20,000 and 20 KiB
SLACK_TEXT_MAX_CHARS = 3000  # section text; counted in UTF-16 units, as a JavaScript client counts
TITLE_MAX_BYTES = 1024  # ours: a long title must leave room for the text
WORKSPACE_MAX_CHARS = 100  # ours: the workspace name is a footer

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Message:
    event: str  # e.g. "work_item.assigned"
    title: str  # translated plain text, e.g. "林悦 assigned APP-12 Login page to you"
    text: str  # plain text detail, may be empty; user-written, never trusted as markup
    url: str  # absolute http(s) link to the object, may be empty
    workspace: str  # workspace name
    occurred_at: datetime.datetime  # aware
    data: dict[str, Any]  # extra JSON-able fields for the generic webhook


@dataclass(frozen=True)
class Request:
    url: str
    headers: dict[str, str]
    body: bytes


def build(kind: str, url: str, secret: str, message: Message, *, delivery_id: str, now: datetime.datetime) -> Request:
    """The request that delivers `message` to a webhook of `kind` at `url`. An empty secret means
    unsigned (DingTalk, Feishu, generic); WeCom and Slack have no signature and ignore it."""
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise ValueError(f"unknown webhook kind {kind!r}")
    _require_aware(now, "now")
    if message.url:
        parts = urlsplit(message.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("message.url must be an absolute http(s) URL")
    return builder(url, secret, message, delivery_id, now)


# Where a chat service puts its verdict in a 200 answer, and the value that means accepted:
# DingTalk and WeCom {"errcode": 0, "errmsg": "ok"}; Feishu {"code": 0, "msg": "success"} (older bots
# {"StatusCode": 0}). Slack and generic receivers say no with an HTTP status.
_VERDICT = {"dingtalk": ("errcode",), "wecom": ("errcode",), "feishu": ("code", "StatusCode")}


def rejection(kind: str, body: bytes) -> str | None:
    """The service's own refusal inside a 2xx answer as a short code ("errcode 310000"), or None
    when it accepted. Only the number is kept: the remote's words never reach a user."""
    fields = _VERDICT.get(kind)
    if not fields:
        return None
    try:
        answer = json.loads(body)
    except ValueError:
        return "unreadable answer"
    if not isinstance(answer, dict):
        return "unreadable answer"
    for field in fields:
        if field in answer:
            code = answer[field]
            return None if code == 0 else f"{field} {int(code) if isinstance(code, int) else '?'}"
    return "unreadable answer"


def verify_generic(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Whether `signature` (an X-Cadence-Signature header) signs `timestamp` and `body` with
    `secret`, compared in constant time. An empty secret verifies nothing."""
    if not secret or not (timestamp.isascii() and timestamp.isdigit()):
        return False
    expected = _generic_signature(secret, timestamp, body).encode("ascii")
    return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))


# --- the services --------------------------------------------------------------------------


def _dingtalk(url: str, secret: str, message: Message, delivery_id: str, now: datetime.datetime) -> Request:
    title = _title(message, lambda t: _utf8_len(_markdown(t)) <= TITLE_MAX_BYTES)
    label = _markdown(title)
    # DingTalk's own example puts a link in a heading: "###### 10点20分发布 [天气](https://…)".
    head = "#### " + (_markdown_link(label, message.url) if message.url else label)
    workspace = _workspace(message)
    foot = "###### " + _markdown(workspace) if workspace else ""

    def render(text: str) -> str:
        return "\n\n".join(part for part in (head, _markdown(text), foot) if part)

    text = _fit(_text(message.text), lambda t: _utf8_len(render(t)) <= DINGTALK_TEXT_MAX_BYTES)
    body = {
        "msgtype": "markdown",
        # `title` is what the chat list and the notification show; it is not rendered as markdown.
        "markdown": {"title": title, "text": render(text)},
        "at": {"atMobiles": [], "isAtAll": False},
    }
    if secret:
        timestamp = str(_unix(now, datetime.timedelta(milliseconds=1)))
        digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        url = _with_query(url, {"timestamp": timestamp, "sign": base64.b64encode(digest).decode()})
    return Request(url=url, headers={"Content-Type": CONTENT_TYPE}, body=_json(body))


def _wecom(url: str, secret: str, message: Message, delivery_id: str, now: datetime.datetime) -> Request:
    title = _title(message, lambda t: _utf8_len(_markdown(t)) <= TITLE_MAX_BYTES)
    label = _markdown(title)
    head = "### " + (_markdown_link(label, message.url) if message.url else label)
    workspace = _workspace(message)
    foot = '<font color="comment">' + _markdown(workspace) + "</font>" if workspace else ""

    def render(text: str) -> str:
        return "\n".join(part for part in (head, _markdown(text), foot) if part)

    text = _fit(_text(message.text), lambda t: _utf8_len(render(t)) <= WECOM_CONTENT_MAX_BYTES)
    body = {"msgtype": "markdown", "markdown": {"content": render(text)}}
    return Request(url=url, headers={"Content-Type": CONTENT_TYPE}, body=_json(body))


def _feishu(url: str, secret: str, message: Message, delivery_id: str, now: datetime.datetime) -> Request:
    signature: dict[str, str] = {}
    if secret:
        timestamp = str(_unix(now, datetime.timedelta(seconds=1)))
        digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
        signature = {"timestamp": timestamp, "sign": base64.b64encode(digest).decode()}
    title = _title(message, lambda t: _utf8_len(t) <= TITLE_MAX_BYTES)
    foot: list[dict[str, str]] = []
    if workspace := _workspace(message):
        foot.append({"tag": "text", "text": workspace + (" · " if message.url else "")})
    if message.url:
        foot.append({"tag": "a", "text": message.url, "href": _link_target(message.url)})

    def render(text: str) -> dict[str, Any]:
        lines = [[{"tag": "text", "text": line}] for line in text.split("\n") if line.strip()]
        post = {"zh_cn": {"title": title, "content": [*lines, foot] if foot else lines}}
        return {**signature, "msg_type": "post", "content": {"post": post}}

    text = _fit(_text(message.text), lambda t: len(_json(render(t))) <= FEISHU_BODY_MAX_BYTES)
    return Request(url=url, headers={"Content-Type": CONTENT_TYPE}, body=_json(render(text)))


def _slack(url: str, secret: str, message: Message, delivery_id: str, now: datetime.datetime) -> Request:
    title = _title(message, lambda t: _utf16_len(t) <= SLACK_TEXT_MAX_CHARS)
    text = _fit(_text(message.text), lambda t: _utf16_len(t) <= SLACK_TEXT_MAX_CHARS)
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "plain_text", "text": title}}]
    if text:
        blocks.append({"type": "section", "text": {"type": "plain_text", "text": text}})
    context: list[dict[str, str]] = []
    if workspace := _workspace(message):
        context.append({"type": "plain_text", "text": workspace})
    if message.url:
        context.append({"type": "mrkdwn", "text": f"<{_link_target(message.url)}>"})
    if context:
        blocks.append({"type": "context", "elements": context})
    body = {"text": _slack_escape(title), "blocks": blocks}
    return Request(url=url, headers={"Content-Type": CONTENT_TYPE}, body=_json(body))


def _generic(url: str, secret: str, message: Message, delivery_id: str, now: datetime.datetime) -> Request:
    _require_aware(message.occurred_at, "message.occurred_at")
    occurred_at = message.occurred_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    body = _json(
        {
            "id": delivery_id,
            "event": message.event,
            "occurred_at": occurred_at,
            "workspace": message.workspace,
            "title": message.title,
            "text": message.text,
            "url": message.url,
            "data": message.data,
        }
    )
    timestamp = str(_unix(now, datetime.timedelta(seconds=1)))
    headers = {
        "Content-Type": CONTENT_TYPE,
        "X-Cadence-Event": _header_value(message.event),
        "X-Cadence-Delivery": _header_value(delivery_id),
        "X-Cadence-Timestamp": timestamp,
    }
    if secret:
        headers["X-Cadence-Signature"] = _generic_signature(secret, timestamp, body)
    return Request(url=url, headers=headers, body=body)


_BUILDERS: dict[str, Callable[[str, str, Message, str, datetime.datetime], Request]] = {
    "dingtalk": _dingtalk,
    "wecom": _wecom,
    "feishu": _feishu,
    "slack": _slack,
    "generic": _generic,
}


def _generic_signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


# --- text ----------------------------------------------------------------------------------

# Bidirectional overrides and isolates can make shown text read differently from what it is.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _text(value: str) -> str:
    """Plain text with unified line ends, without control characters (but newlines)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    kept = (
        ch for ch in value if ch == "\n" or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in _BIDI_CONTROLS)
    )
    return "".join(kept).strip()


def _line(value: str) -> str:
    return _text(value).replace("\n", " ")


def _title(message: Message, fits: Callable[[str], bool]) -> str:
    return _fit(_line(message.title) or message.event, fits)


def _workspace(message: Message) -> str:
    return _fit(_line(message.workspace), lambda w: len(w) <= WORKSPACE_MAX_CHARS)


def _fit(text: str, fits: Callable[[str], bool]) -> str:
    """`text` if it fits, else its longest prefix that fits with "…" after it ("" if none does).
    `fits` must only grow stricter as its argument grows, which every length measure here does."""
    if fits(text):
        return text

    def cut(n: int) -> str:
        return text[:n].rstrip() + ELLIPSIS

    low, high = -1, len(text) - 1  # cut(low) fits (-1: nothing fits yet); cut(high + 1) does not
    while low < high:
        middle = (low + high + 1) // 2
        if fits(cut(middle)):
            low = middle
        else:
            high = middle - 1
    return cut(low) if low >= 0 else ""


def _utf8_len(value: str) -> int:
    return len(value.encode())


def _utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


_MARKDOWN_ANYWHERE = str.maketrans(
    {
        "\\": "＼",
        "`": "｀",
        "*": "＊",
        "_": "＿",
        "~": "～",
        "[": "［",
        "]": "］",
        "<": "＜",
        ">": "＞",
        "#": "＃",
        "|": "｜",
    }
)
_MARKDOWN_LINE_START = {"-": "－", "+": "＋", "=": "＝"}
_ORDERED_LIST = re.compile(r"(\d+)([.)])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")  # "&lt;" would show as "<"


def _markdown(text: str) -> str:
    """Plain text as DingTalk/WeCom markdown that shows it and nothing else (see the docstring)."""
    lines = []
    for raw in text.split("\n"):
        line = _ENTITY.sub("＆", raw.strip().translate(_MARKDOWN_ANYWHERE))
        if line[:1] in _MARKDOWN_LINE_START:
            line = _MARKDOWN_LINE_START[line[0]] + line[1:]
        if match := _ORDERED_LIST.match(line):
            line = match[1] + ("．" if match[2] == "." else "）") + line[match.end() :]
        lines.append(line)
    return "  \n".join(lines)  # two spaces: a line break, not a new paragraph


def _link_target(url: str) -> str:
    """`url` with what could end a markdown link or a Slack `<url>` (spaces, parentheses, angle
    brackets, `|`, non-ASCII) percent-encoded; what is already encoded stays as it is."""
    return quote(url, safe="!#$%&'*+,/:;=?@[]~")


def _markdown_link(label: str, url: str) -> str:
    return f"[{label}]({_link_target(url)})"


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- the rest ------------------------------------------------------------------------------


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _unix(moment: datetime.datetime, unit: datetime.timedelta) -> int:
    return (moment - _EPOCH) // unit


def _require_aware(moment: datetime.datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _with_query(url: str, params: dict[str, str]) -> str:
    """`url` with `params` added to its query string, replacing any of the same names (a pasted
    URL may still carry an old timestamp and sign); the other parameters stay byte for byte."""
    base, hash_mark, fragment = url.partition("#")
    path, _, query = base.partition("?")
    kept = [part for part in query.split("&") if part and part.split("=", 1)[0] not in params]
    return f"{path}?{'&'.join([*kept, urlencode(params)])}{hash_mark}{fragment}"


def _header_value(value: str) -> str:
    if not value.isascii() or any(ch in value for ch in "\r\n\0"):
        raise ValueError(f"not a safe header value: {value!r}")
    return value
