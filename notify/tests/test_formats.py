"""notify.formats: each kind's request checked field by field against the service's documented
format, signatures against values worked out apart from the code, then sent to a real HTTP server.

No database. The reference signatures were computed once with the openssl command line, not with
Python, from the formulas the services document (the derivation is written beside each)."""

import base64
import datetime
import hashlib
import hmac
import json
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from markdown_it import MarkdownIt

from notify import formats
from notify.formats import KINDS, Message, build, verify_generic

UTC = datetime.UTC
# 2020-09-06 02:47:53.589 UTC: unix 1599360473 s, 1599360473589 ms (Feishu's own example timestamp).
NOW = datetime.datetime(2020, 9, 6, 2, 47, 53, 589000, tzinfo=UTC)
TS_SECONDS = "1599360473"
TS_MILLIS = "1599360473589"
HOOK = "https://hooks.example.test/robot/send?access_token=abc"
ITEM_URL = "https://cadence.example.com/acme/work/APP-12"
TITLE = "林悦 将 APP-12 登录页 指派给了你"
DELIVERY = "wh:42:7"

DINGTALK_SECRET = "SEC0123456789abcdef"
# printf '%s\n%s' 1599360473589 SEC0123456789abcdef | openssl dgst -sha256 -hmac SEC0123456789abcdef -binary | base64
# i.e. base64(HmacSHA256(key=secret, msg=f"{timestamp_ms}\n{secret}")), then URL-encoded (+ / = → %2B %2F %3D)
DINGTALK_SIGN = "oTlF8fx1YSvqYY/95n8gl445l0pbtNLZzk0lyRpPAvc="
DINGTALK_SIGN_IN_URL = "oTlF8fx1YSvqYY%2F95n8gl445l0pbtNLZzk0lyRpPAvc%3D"

FEISHU_SECRET = "feishu-secret"
# key=$(printf '%s\n%s' 1599360473 feishu-secret | xxd -p | tr -d '\n')
# printf '' | openssl dgst -sha256 -mac HMAC -macopt hexkey:$key -binary | base64
# i.e. base64(HmacSHA256(key=f"{timestamp_s}\n{secret}", msg=b"")): the key is the string to sign.
FEISHU_SIGN = "GnmU6lMJMtXPkxW7kXxgtXI0SJxjk0TQFnFuz93Dt+0="

GENERIC_SECRET = "generic-secret"
GENERIC_BODY = (
    '{"id":"wh:42:7","event":"work_item.assigned","occurred_at":"2020-09-06T02:47:50Z","workspace":"研发中心",'
    '"title":"林悦 将 APP-12 登录页 指派给了你","text":"请在周五前完成。\\n设计稿见附件",'
    '"url":"https://cadence.example.com/acme/work/APP-12",'
    '"data":{"actor_id":7,"target_type":"work_item","target_id":12,"context":{"key":"APP-12"}}}'
).encode()
# { printf '1599360473.'; cat body.json; } | openssl dgst -sha256 -hmac generic-secret
# with body.json holding GENERIC_BODY: hex(HmacSHA256(key=secret, msg=b"{timestamp}." + body))
GENERIC_SIGNATURE = "sha256=bf2e65755ac7115c2a5f0704402a34e9cb8029f750690b1c494e72360b348487"

HOSTILE_TITLE = "**x** <@channel> [a](javascript:alert(1))"
HOSTILE_TEXT = (
    "# 标题\n> 引用\n  - 列表\n1. 一\n    code\n"
    '<font color="warning">红</font> <@zhangsan> <!channel> &lt;@lisi&gt; `x` ~~s~~ _i_ \\\n'
    "---\n2) 二\n+ 加\n==="
)
# What the markdown kinds must show for HOSTILE_TITLE: every markup character in full width.
HOSTILE_TITLE_MD = "＊＊x＊＊ ＜@channel＞ ［a］(javascript:alert(1))"
HOSTILE_TEXT_MD = (
    "＃ 标题  \n＞ 引用  \n－ 列表  \n1． 一  \ncode  \n"
    '＜font color="warning"＞红＜/font＞ ＜@zhangsan＞ ＜!channel＞ ＆lt;@lisi＆gt; ｀x｀ ～～s～～ ＿i＿ ＼  \n'
    "－--  \n2） 二  \n＋ 加  \n＝=="
)


def message(**changes: Any) -> Message:
    fields: dict[str, Any] = {
        "event": "work_item.assigned",
        "title": TITLE,
        "text": "请在周五前完成。\n设计稿见附件",
        "url": ITEM_URL,
        "workspace": "研发中心",
        "occurred_at": datetime.datetime(2020, 9, 6, 2, 47, 50, tzinfo=UTC),
        "data": {"actor_id": 7, "target_type": "work_item", "target_id": 12, "context": {"key": "APP-12"}},
    }
    return Message(**{**fields, **changes})


def compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def body_of(request: formats.Request) -> Any:
    assert b"\\u" not in request.body  # UTF-8 as it is, not \uXXXX escapes
    return json.loads(request.body)


JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


# --- each kind, field by field ------------------------------------------------------------


def test_dingtalk_markdown_signed_with_millisecond_timestamp_in_the_url() -> None:
    request = build("dingtalk", HOOK, DINGTALK_SECRET, message(), delivery_id=DELIVERY, now=NOW)

    assert request.url == f"{HOOK}&timestamp={TS_MILLIS}&sign={DINGTALK_SIGN_IN_URL}"
    assert request.headers == JSON_HEADERS
    expected = {
        "msgtype": "markdown",
        "markdown": {
            "title": TITLE,
            "text": f"#### [{TITLE}]({ITEM_URL})\n\n请在周五前完成。  \n设计稿见附件\n\n###### 研发中心",
        },
        "at": {"atMobiles": [], "isAtAll": False},
    }
    assert body_of(request) == expected
    assert request.body == compact(expected)


def test_dingtalk_unsigned_without_a_secret_and_old_sign_parameters_replaced() -> None:
    unsigned = build("dingtalk", HOOK, "", message(), delivery_id=DELIVERY, now=NOW)
    assert unsigned.url == HOOK

    pasted = "https://oapi.dingtalk.com/robot/send?timestamp=1&access_token=abc&sign=old#top"
    signed = build("dingtalk", pasted, DINGTALK_SECRET, message(), delivery_id=DELIVERY, now=NOW)
    assert signed.url == (
        f"https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp={TS_MILLIS}&sign={DINGTALK_SIGN_IN_URL}#top"
    )
    bare = build(
        "dingtalk", "https://oapi.dingtalk.com/robot/send", DINGTALK_SECRET, message(), delivery_id="d", now=NOW
    )
    assert bare.url == f"https://oapi.dingtalk.com/robot/send?timestamp={TS_MILLIS}&sign={DINGTALK_SIGN_IN_URL}"


def test_wecom_markdown_content_and_no_signature() -> None:
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"
    # WeCom has no signing scheme: a secret, if one was stored, changes nothing.
    for secret in ("", "ignored"):
        request = build("wecom", url, secret, message(), delivery_id=DELIVERY, now=NOW)
        assert request.url == url
        assert request.headers == JSON_HEADERS
        expected = {
            "msgtype": "markdown",
            "markdown": {
                "content": f"### [{TITLE}]({ITEM_URL})\n"
                "请在周五前完成。  \n设计稿见附件\n"
                '<font color="comment">研发中心</font>'
            },
        }
        assert body_of(request) == expected
        assert request.body == compact(expected)


def test_feishu_post_signed_in_the_body_with_a_seconds_timestamp() -> None:
    url = "https://open.feishu.cn/open-apis/bot/v2/hook/xxxxxxxx"
    request = build("feishu", url, FEISHU_SECRET, message(), delivery_id=DELIVERY, now=NOW)

    assert request.url == url
    assert request.headers == JSON_HEADERS
    content = [
        [{"tag": "text", "text": "请在周五前完成。"}],
        [{"tag": "text", "text": "设计稿见附件"}],
        [{"tag": "text", "text": "研发中心 · "}, {"tag": "a", "text": ITEM_URL, "href": ITEM_URL}],
    ]
    expected = {
        "timestamp": TS_SECONDS,
        "sign": FEISHU_SIGN,
        "msg_type": "post",
        "content": {"post": {"zh_cn": {"title": TITLE, "content": content}}},
    }
    assert body_of(request) == expected
    assert request.body == compact(expected)

    unsigned = body_of(build("feishu", url, "", message(), delivery_id=DELIVERY, now=NOW))
    assert unsigned == {"msg_type": "post", "content": expected["content"]}


def test_slack_blocks_with_fallback_text_and_no_signature() -> None:
    url = "https://hooks.slack.com/services/T000/B000/XXXX"
    request = build("slack", url, "ignored", message(), delivery_id=DELIVERY, now=NOW)

    assert request.url == url
    assert request.headers == JSON_HEADERS
    expected = {
        "text": TITLE,
        "blocks": [
            {"type": "section", "text": {"type": "plain_text", "text": TITLE}},
            {"type": "section", "text": {"type": "plain_text", "text": "请在周五前完成。\n设计稿见附件"}},
            {
                "type": "context",
                "elements": [{"type": "plain_text", "text": "研发中心"}, {"type": "mrkdwn", "text": f"<{ITEM_URL}>"}],
            },
        ],
    }
    assert body_of(request) == expected
    assert request.body == compact(expected)


def test_generic_json_headers_and_signature() -> None:
    url = "https://receiver.example.test/hooks/cadence"
    request = build("generic", url, GENERIC_SECRET, message(), delivery_id=DELIVERY, now=NOW)

    assert request.url == url
    assert request.body == GENERIC_BODY
    assert body_of(request) == {
        "id": DELIVERY,
        "event": "work_item.assigned",
        "occurred_at": "2020-09-06T02:47:50Z",
        "workspace": "研发中心",
        "title": TITLE,
        "text": "请在周五前完成。\n设计稿见附件",
        "url": ITEM_URL,
        "data": {"actor_id": 7, "target_type": "work_item", "target_id": 12, "context": {"key": "APP-12"}},
    }
    assert request.headers == {
        "Content-Type": "application/json; charset=utf-8",
        "X-Cadence-Event": "work_item.assigned",
        "X-Cadence-Delivery": DELIVERY,
        "X-Cadence-Timestamp": TS_SECONDS,
        "X-Cadence-Signature": GENERIC_SIGNATURE,
    }

    unsigned = build("generic", url, "", message(), delivery_id=DELIVERY, now=NOW)
    assert "X-Cadence-Signature" not in unsigned.headers
    assert unsigned.headers["X-Cadence-Timestamp"] == TS_SECONDS
    assert unsigned.body == GENERIC_BODY


def test_generic_occurred_at_is_given_in_utc() -> None:
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    occurred = datetime.datetime(2020, 9, 6, 10, 47, 50, 250000, tzinfo=shanghai)
    body = body_of(build("generic", HOOK, "", message(occurred_at=occurred), delivery_id="d", now=NOW))
    assert body["occurred_at"] == "2020-09-06T02:47:50.250000Z"


# --- verify_generic ----------------------------------------------------------------------


def test_verify_generic_accepts_the_right_signature_only() -> None:
    assert verify_generic(GENERIC_SECRET, TS_SECONDS, GENERIC_BODY, GENERIC_SIGNATURE)

    changed_body = GENERIC_BODY.replace("林悦".encode(), "林月".encode())
    assert not verify_generic(GENERIC_SECRET, TS_SECONDS, changed_body, GENERIC_SIGNATURE)
    assert not verify_generic(GENERIC_SECRET, "1599360474", GENERIC_BODY, GENERIC_SIGNATURE)
    assert not verify_generic("another-secret", TS_SECONDS, GENERIC_BODY, GENERIC_SIGNATURE)
    assert not verify_generic(GENERIC_SECRET, TS_SECONDS, GENERIC_BODY, GENERIC_SIGNATURE.removeprefix("sha256="))
    assert not verify_generic(GENERIC_SECRET, TS_SECONDS, GENERIC_BODY, GENERIC_SIGNATURE.upper())
    assert not verify_generic(GENERIC_SECRET, TS_SECONDS, GENERIC_BODY, "sha256=签名")
    assert not verify_generic(GENERIC_SECRET, TS_SECONDS, GENERIC_BODY, "")
    assert not verify_generic(GENERIC_SECRET, f"{TS_SECONDS} ", GENERIC_BODY, GENERIC_SIGNATURE)
    # Nothing is signed with an empty secret, so nothing verifies with one.
    assert not verify_generic("", TS_SECONDS, GENERIC_BODY, GENERIC_SIGNATURE)


def test_verify_generic_checks_what_build_signs() -> None:
    request = build("generic", HOOK, "s3cret", message(title="另一个"), delivery_id="d-2", now=NOW)
    headers = request.headers
    assert verify_generic("s3cret", headers["X-Cadence-Timestamp"], request.body, headers["X-Cadence-Signature"])


# --- on the wire -------------------------------------------------------------------------

SECRETS = {"dingtalk": DINGTALK_SECRET, "wecom": "", "feishu": FEISHU_SECRET, "slack": "", "generic": GENERIC_SECRET}


@pytest.mark.parametrize("kind", KINDS)
def test_a_real_http_server_receives_exactly_the_request(kind: str, http_server: Any) -> None:
    request = build(
        kind,
        http_server.url + "/robot/send?access_token=abc",
        SECRETS[kind],
        message(),
        delivery_id=DELIVERY,
        now=NOW,
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    # S310: the URL is the loopback test server's, http by construction.
    sent = urllib.request.Request(request.url, data=request.body, headers=request.headers, method="POST")  # noqa: S310
    with opener.open(sent, timeout=10) as response:
        assert response.status == 200

    [received] = http_server.wait_for(1)
    assert received["body"] == request.body
    assert received["path"] == request.url.removeprefix(http_server.url)
    headers = {name.lower(): value for name, value in received["headers"].items()}
    for name, value in request.headers.items():
        assert headers[name.lower()] == value
    assert headers["content-length"] == str(len(request.body))

    query = parse_qs(urlsplit(received["path"]).query, strict_parsing=True)
    if kind == "dingtalk":
        # What DingTalk does on receipt: recompute the signature from the timestamp it was given.
        timestamp, sign = query["timestamp"][0], query["sign"][0]
        assert (timestamp, sign) == (TS_MILLIS, DINGTALK_SIGN)
        digest = hmac.new(DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256)
        assert hmac.compare_digest(base64.b64encode(digest.digest()).decode(), sign)
    else:
        assert query == {"access_token": ["abc"]}
    if kind == "feishu":
        body = json.loads(received["body"])
        digest = hmac.new(f"{body['timestamp']}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256)
        assert base64.b64encode(digest.digest()).decode() == body["sign"] == FEISHU_SIGN
    if kind == "generic":
        assert verify_generic(
            GENERIC_SECRET, headers["x-cadence-timestamp"], received["body"], headers["x-cadence-signature"]
        )


# --- hostile text ------------------------------------------------------------------------


def hostile(**changes: Any) -> Message:
    return message(title=HOSTILE_TITLE, text=HOSTILE_TEXT, workspace="W*s <b>", **changes)


def rendered_tags(markdown: str) -> tuple[set[str], list[str]]:
    """The HTML elements a CommonMark renderer makes of `markdown`, and its link targets."""
    tags, links = set(), []
    for token in MarkdownIt("commonmark").parse(markdown):
        for child in [token, *(token.children or [])]:
            if child.tag:
                tags.add(child.tag)
            if child.type in ("html_inline", "html_block"):
                tags.add("raw html")
            if child.type == "link_open":
                links.append(str(child.attrs["href"]))
    return tags, links


def test_dingtalk_shows_hostile_text_as_text() -> None:
    request = build("dingtalk", HOOK, "", hostile(), delivery_id=DELIVERY, now=NOW)
    body = body_of(request)
    text = body["markdown"]["text"]
    assert text == f"#### [{HOSTILE_TITLE_MD}]({ITEM_URL})\n\n{HOSTILE_TEXT_MD}\n\n###### W＊s ＜b＞"
    assert body["markdown"]["title"] == HOSTILE_TITLE  # the chat-list preview is not markdown
    assert body["at"] == {"atMobiles": [], "isAtAll": False}
    tags, links = rendered_tags(text)
    assert tags == {"h4", "a", "p", "br", "h6"}  # ours only: no emphasis, code, quote, list, rule, HTML
    assert links == [ITEM_URL]


def test_wecom_shows_hostile_text_as_text() -> None:
    content = body_of(build("wecom", HOOK, "", hostile(), delivery_id=DELIVERY, now=NOW))["markdown"]["content"]
    ours = '<font color="comment">W＊s ＜b＞</font>'
    assert content == f"### [{HOSTILE_TITLE_MD}]({ITEM_URL})\n{HOSTILE_TEXT_MD}\n{ours}"
    # The footer's <font> tag is ours; nothing the user wrote can open a tag or a <@userid> mention.
    user_part = content.removesuffix(ours)
    assert "<" not in user_part and ">" not in user_part
    tags, links = rendered_tags(user_part)
    assert tags == {"h3", "a", "p", "br"}
    assert links == [ITEM_URL]


def test_feishu_puts_hostile_text_in_text_tags() -> None:
    body = body_of(build("feishu", HOOK, "", hostile(), delivery_id=DELIVERY, now=NOW))
    post = body["content"]["post"]["zh_cn"]
    assert post["title"] == HOSTILE_TITLE
    tags = [element for paragraph in post["content"] for element in paragraph]
    assert [element["tag"] for element in tags if element["tag"] != "text"] == ["a"]
    assert [element for element in tags if element["tag"] == "a"] == [{"tag": "a", "text": ITEM_URL, "href": ITEM_URL}]
    assert all(set(element) == {"tag", "text"} for element in tags if element["tag"] == "text")  # no un_escape
    lines = [element["text"] for element in tags if element["tag"] == "text"]
    assert lines == [*(line for line in HOSTILE_TEXT.split("\n")), "W*s <b> · "]


def test_slack_keeps_user_text_out_of_mrkdwn() -> None:
    body = body_of(build("slack", HOOK, "", hostile(), delivery_id=DELIVERY, now=NOW))
    # The fallback is mrkdwn: & < > escaped as Slack documents, so no mention and no link.
    assert body["text"] == "**x** &lt;@channel&gt; [a](javascript:alert(1))"
    title, text, context = body["blocks"]
    assert title == {"type": "section", "text": {"type": "plain_text", "text": HOSTILE_TITLE}}
    assert text == {"type": "section", "text": {"type": "plain_text", "text": HOSTILE_TEXT}}
    assert context == {
        "type": "context",
        "elements": [{"type": "plain_text", "text": "W*s <b>"}, {"type": "mrkdwn", "text": f"<{ITEM_URL}>"}],
    }


def test_generic_passes_text_through_as_json_values() -> None:
    request = build("generic", HOOK, "k", hostile(), delivery_id=DELIVERY, now=NOW)
    body = body_of(request)
    assert (body["title"], body["text"], body["workspace"]) == (HOSTILE_TITLE, HOSTILE_TEXT, "W*s <b>")
    assert verify_generic(
        "k", request.headers["X-Cadence-Timestamp"], request.body, request.headers["X-Cadence-Signature"]
    )


def test_a_link_cannot_break_out_of_markdown_or_slack_syntax() -> None:
    url = "https://cadence.example.com/a (b)<c>|d/登录"
    encoded = "https://cadence.example.com/a%20%28b%29%3Cc%3E%7Cd/%E7%99%BB%E5%BD%95"
    for kind in ("dingtalk", "wecom"):
        request = build(kind, HOOK, "", message(url=url), delivery_id="d", now=NOW)
        markdown = json.dumps(body_of(request))
        assert f"]({encoded})" in markdown
    slack = body_of(build("slack", HOOK, "", message(url=url), delivery_id="d", now=NOW))
    assert slack["blocks"][-1]["elements"][-1] == {"type": "mrkdwn", "text": f"<{encoded}>"}
    feishu = body_of(build("feishu", HOOK, "", message(url=url), delivery_id="d", now=NOW))
    assert feishu["content"]["post"]["zh_cn"]["content"][-1][-1] == {"tag": "a", "text": url, "href": encoded}


@pytest.mark.parametrize("kind", ["dingtalk", "wecom", "feishu", "slack"])
def test_chat_kinds_drop_control_and_bidi_characters(kind: str) -> None:
    sneaky = message(title="a\u202eb\x00c\r\nd\te", text="x\x1by\r\nz", workspace="w\u2066s")
    body = build(kind, HOOK, "", sneaky, delivery_id="d", now=NOW).body.decode()
    for character in ("\u202e", "\u2066", "\\u0000", "\\u001b", "\\r", "\\t"):
        assert character not in body
    assert "ab" in body and "w" in body


# --- limits ------------------------------------------------------------------------------

LONG_TEXT = "很长的评论，" * 3000  # 18,000 characters, 54,000 bytes of UTF-8
LONG_TITLE = "标题" * 2000


def test_dingtalk_and_wecom_stay_within_4096_bytes() -> None:
    long = message(title=LONG_TITLE, text=LONG_TEXT)
    dingtalk = body_of(build("dingtalk", HOOK, "", long, delivery_id="d", now=NOW))["markdown"]
    assert len(dingtalk["text"].encode()) <= 4096
    assert len(dingtalk["text"].encode()) > 4000  # cut at the limit, not long before it
    assert dingtalk["text"].endswith("…\n\n###### 研发中心")
    assert dingtalk["title"].endswith("…") and len(dingtalk["title"].encode()) <= 1024

    content = body_of(build("wecom", HOOK, "", long, delivery_id="d", now=NOW))["markdown"]["content"]
    assert 4000 < len(content.encode()) <= 4096
    assert content.endswith('…\n<font color="comment">研发中心</font>')


def test_feishu_body_stays_under_20_kb() -> None:
    request = build("feishu", HOOK, FEISHU_SECRET, message(text=LONG_TEXT), delivery_id="d", now=NOW)
    assert 19_000 < len(request.body) <= 20_000
    content = body_of(request)["content"]["post"]["zh_cn"]["content"]
    assert content[0][0]["text"].endswith("…")


def test_slack_sections_stay_within_3000_characters() -> None:
    emoji_text = "😀" * 2000  # 2000 characters, 4000 UTF-16 units
    body = body_of(build("slack", HOOK, "", message(title=LONG_TITLE, text=emoji_text), delivery_id="d", now=NOW))
    title, text = body["blocks"][0]["text"]["text"], body["blocks"][1]["text"]["text"]
    assert len(title) == 3000 and title.endswith("…")
    assert len(text.encode("utf-16-le")) // 2 <= 3000 and text.endswith("…")
    assert body["text"] == title


def test_the_cut_never_splits_what_escaping_made() -> None:
    text = "*" * 5000
    content = body_of(build("wecom", HOOK, "", message(text=text), delivery_id="d", now=NOW))["markdown"]["content"]
    assert "*" not in content.removeprefix(f"### [{TITLE}]({ITEM_URL})")
    assert content.count("＊") > 1000


# --- the rest ----------------------------------------------------------------------------


def test_optional_parts_left_out() -> None:
    bare = message(title="  ", text="", url="", workspace="")
    assert body_of(build("dingtalk", HOOK, "", bare, delivery_id="d", now=NOW))["markdown"] == {
        "title": "work_item.assigned",
        "text": "#### work＿item.assigned",
    }
    assert body_of(build("wecom", HOOK, "", bare, delivery_id="d", now=NOW))["markdown"] == {
        "content": "### work＿item.assigned"
    }
    assert body_of(build("feishu", HOOK, "", bare, delivery_id="d", now=NOW))["content"] == {
        "post": {"zh_cn": {"title": "work_item.assigned", "content": []}}
    }
    assert body_of(build("slack", HOOK, "", bare, delivery_id="d", now=NOW)) == {
        "text": "work_item.assigned",
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": "work_item.assigned"}}],
    }


def test_refuses_what_it_cannot_send() -> None:
    with pytest.raises(ValueError, match="unknown webhook kind"):
        build("teams", HOOK, "", message(), delivery_id="d", now=NOW)
    with pytest.raises(ValueError, match="aware"):
        build("slack", HOOK, "", message(), delivery_id="d", now=NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="aware"):
        build("generic", HOOK, "", message(occurred_at=NOW.replace(tzinfo=None)), delivery_id="d", now=NOW)
    for url in ("javascript:alert(1)", "/acme/work/APP-12", "ftp://example.com/x"):
        with pytest.raises(ValueError, match="http"):
            build("dingtalk", HOOK, "", message(url=url), delivery_id="d", now=NOW)
    with pytest.raises(ValueError, match="header"):
        build("generic", HOOK, "", message(), delivery_id="d\r\nX-Evil: 1", now=NOW)
    with pytest.raises(ValueError, match="header"):
        build("generic", HOOK, "", message(event="事件"), delivery_id="d", now=NOW)


@pytest.mark.parametrize(
    ("kind", "body", "verdict"),
    [
        ("dingtalk", b'{"errcode":0,"errmsg":"ok"}', None),
        ("dingtalk", b'{"errcode":130101,"errmsg":"send too fast"}', "errcode 130101"),
        ("wecom", b'{"errcode":0,"errmsg":"ok"}', None),
        ("feishu", b'{"code":0,"msg":"success"}', None),
        ("feishu", b'{"StatusCode":0,"StatusMessage":"success"}', None),  # older custom bots
        ("feishu", b'{"code":"x","msg":"odd"}', "code ?"),
        ("dingtalk", b"[0]", "unreadable answer"),
        ("wecom", b"{}", "unreadable answer"),
        ("slack", b"invalid_payload", None),  # Slack says no with an HTTP status
        ("generic", b"", None),
    ],
)
def test_a_service_verdict_inside_a_200_is_read(kind: str, body: bytes, verdict: str | None) -> None:
    assert formats.rejection(kind, body) == verdict
