"""The outbound client (SECURITY.md rule 7), against real local servers: no spelling of an inside
address is reached, no redirect is followed, the connection goes to the address that was checked,
and what is allowed arrives exactly."""

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest import HttpServer
from core import outbound
from core.outbound import Failed, Refused

PUBLIC = "93.184.215.14"  # example.com's; tests never actually connect to it


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every address a socket is asked to connect to, by either door; the calls still go through."""
    calls: list[Any] = []
    real_connect = socket.socket.connect
    real_create_connection = socket.create_connection

    def connect(self: socket.socket, address: Any) -> None:
        calls.append(address)
        real_connect(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        calls.append(address)
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return calls


class Resolver:
    """DNS for names under .test: `answers[name]` is the list of answers given in turn (the last one
    repeats); a name without answers does not exist. Other names (IP literals) go to the system."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if not str(host).endswith(".test"):
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        self.lookups.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        turns = self.answers[host]
        answer = turns.pop(0) if len(turns) > 1 else turns[0]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, port))
            for a in answer
        ]


REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    resolver = Resolver()
    monkeypatch.setattr(socket, "getaddrinfo", resolver.getaddrinfo)
    return resolver


@pytest.fixture
def local_http(settings: Any) -> Any:
    """Plain http allowed, and the tests' own servers on 127.0.0.1 named by the admin."""
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_LOCAL_HOSTS = ["127.0.0.1"]
    return settings


@contextmanager
def raw_server(reply: Callable[[socket.socket], None]) -> Iterator[int]:
    """A TCP server on loopback for one connection: reads the request, then `reply(connection)`."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)

    def serve() -> None:
        try:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                reply(connection)
        except OSError:
            pass  # the client went away, which is what these tests expect

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        thread.join(10)
        listener.close()


def refused(url: str) -> Refused:
    """check_url and post both refuse `url` for the same reason; the reason is returned."""
    with pytest.raises(Refused) as checked:
        outbound.check_url(url)
    with pytest.raises(Refused) as posted:
        outbound.post(url, b"{}", {})
    assert checked.value.reason == posted.value.reason
    assert checked.value.message
    return posted.value


# --- 1. Loopback, by every spelling, with the live server behind it -------------------------------

LOOPBACK = [
    ("127.0.0.1", "blocked_address"),
    ("127.0.0.2", "blocked_address"),
    ("localhost", "host"),
    ("LOCALHOST", "host"),
    ("api.localhost", "host"),
    ("localhost.", "host"),
    ("ｌｏｃａｌｈｏｓｔ", "host"),  # full-width letters, folded by IDNA
    ("2130706433", "numeric_form"),
    ("0x7f.1", "numeric_form"),
    ("0177.0.0.1", "numeric_form"),
    ("127.1", "numeric_form"),
    ("127.0.1", "numeric_form"),
    ("0x7f000001", "numeric_form"),
    ("0x7f.0x0.0x0.0x1", "numeric_form"),
    ("127.000.000.001", "numeric_form"),
    ("127。0。0。1", "blocked_address"),  # ideographic full stops, folded by IDNA
    ("１２７.0.0.1", "blocked_address"),  # full-width digits
    ("[::1]", "blocked_address"),
    ("[::ffff:127.0.0.1]", "blocked_address"),
    ("[::ffff:7f00:1]", "blocked_address"),
    ("[0:0:0:0:0:ffff:127.0.0.1]", "blocked_address"),
    ("[::127.0.0.1]", "blocked_address"),
    ("[64:ff9b::7f00:1]", "blocked_address"),
]


@pytest.mark.parametrize(("host", "reason"), LOOPBACK)
def test_loopback_is_refused_by_every_spelling_and_nothing_connects(
    settings: Any, http_server: Any, host: str, reason: str
) -> None:
    url = f"http://{host}:{http_server.port}/"
    assert refused(url).reason == "scheme"  # with the default settings

    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_PORTS = [*settings.OUTBOUND_PORTS, http_server.port]
    assert refused(url).reason == reason  # only the address is left to refuse
    assert http_server.connections == 0
    assert http_server.requests == []


# --- 2. Private, link-local, metadata, IPv4 inside IPv6, multicast, unspecified --------------------

INSIDE = [
    ("10.0.0.1", "blocked_address"),
    ("172.16.5.4", "blocked_address"),
    ("192.168.1.1", "blocked_address"),
    ("100.64.0.1", "blocked_address"),
    ("[fd00::1]", "blocked_address"),
    ("169.254.1.1", "blocked_address"),
    ("[fe80::1]", "blocked_address"),
    ("[fe80::1%25eth0]", "host"),
    ("169.254.169.254", "blocked_address"),
    ("169.254.170.2", "blocked_address"),
    ("[fd00:ec2::254]", "blocked_address"),
    ("100.100.100.200", "blocked_address"),
    ("192.0.0.192", "blocked_address"),
    ("metadata.google.internal", "host"),
    ("metadata", "host"),
    ("[::ffff:169.254.169.254]", "blocked_address"),
    ("[::ffff:a9fe:a9fe]", "blocked_address"),
    ("[::ffff:10.0.0.1]", "blocked_address"),
    ("[64:ff9b::a9fe:a9fe]", "blocked_address"),  # NAT64
    ("[64:ff9b::a00:1]", "blocked_address"),
    ("[64:ff9b:1::a9fe:a9fe]", "blocked_address"),  # local-use NAT64
    ("[2002:a9fe:a9fe::]", "blocked_address"),  # 6to4
    ("[2002:5db8:d70e::]", "blocked_address"),  # 6to4 of a public address: the whole prefix is out
    ("[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "blocked_address"),  # Teredo
    ("[::a9fe:a9fe]", "blocked_address"),  # IPv4-compatible
    ("[::ffff:0:a9fe:a9fe]", "blocked_address"),  # IPv4-translated
    ("224.0.0.1", "blocked_address"),
    ("239.255.255.250", "blocked_address"),
    ("[ff02::1]", "blocked_address"),
    ("0.0.0.0", "blocked_address"),  # noqa: S104 (a destination refused, not a bind)
    ("[::]", "blocked_address"),
    ("255.255.255.255", "blocked_address"),
    ("240.0.0.1", "blocked_address"),
    ("198.18.0.1", "blocked_address"),
    ("192.0.2.1", "blocked_address"),
    ("[2001:db8::1]", "blocked_address"),
    ("[fec0::1]", "blocked_address"),
    ("0", "numeric_form"),
    ("0x0", "numeric_form"),
    ("printer.local", "host"),
    ("db.corp.internal", "host"),
]


@pytest.mark.parametrize(("host", "reason"), INSIDE)
def test_inside_addresses_are_refused_before_any_connection(
    settings: Any, connections: list[Any], host: str, reason: str
) -> None:
    settings.OUTBOUND_ALLOW_HTTP = True
    for url in (f"https://{host}/", f"http://{host}/"):
        assert refused(url).reason == reason
    assert connections == []


METADATA = ["169.254.169.254", "169.254.0.23", "[fd00:ec2::254]", "100.100.100.200", "192.0.0.192"]


@pytest.mark.parametrize("host", [*METADATA, "metadata.google.internal", "metadata", "metadata.tencentyun.com"])
def test_metadata_is_refused_even_when_an_admin_names_it(settings: Any, connections: list[Any], host: str) -> None:
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_LOCAL_HOSTS = [host.strip("[]")]
    assert refused(f"http://{host}/").reason in {"blocked_address", "host"}
    assert connections == []


def test_metadata_is_refused_when_a_named_host_resolves_to_it(
    settings: Any, dns: Resolver, connections: list[Any]
) -> None:
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_LOCAL_HOSTS = ["intranet.test"]
    for address in ("169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254", "64:ff9b::a9fe:a9fe"):
        dns.answers["intranet.test"] = [[address]]
        assert refused("http://intranet.test/").reason == "blocked_address"
    assert connections == []


def test_naming_one_local_host_allows_no_other(local_http: Any, http_server: Any) -> None:
    others = ("localhost", "127.0.0.2", "[::1]", "[::ffff:127.0.0.1]", "2130706433", "127.1", "[::]")
    for host in others:
        refused(f"http://{host}:{http_server.port}/")
    assert http_server.connections == 0


@pytest.mark.parametrize(
    "url",
    [
        f"https://{PUBLIC}/",
        f"https://{PUBLIC}:8443/hook",
        "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/",
        f"https://[::ffff:{PUBLIC}]/",
        "https://[64:ff9b::5db8:d70e]/",  # NAT64 of a public address, as DNS64 gives on IPv6-only hosts
        "https://hooks.example.test/",
        "https://xn--bcher-kva.test/",
        "https://bücher.test/中文路径?q=1",
    ],
)
def test_public_addresses_pass_the_check(dns: Resolver, url: str) -> None:
    for name in ("hooks.example.test", "xn--bcher-kva.test"):
        dns.answers[name] = [[PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]]
    outbound.check_url(url)


# --- 3. An allowed local server gets exactly what was sent ----------------------------------------


def test_a_named_local_server_receives_the_exact_request(local_http: Any, http_server: Any) -> None:
    body = '{"event":"work_item.created","title":"修复登录"}'.encode()
    headers = {"Content-Type": "application/json", "X-Cadence-Signature": "sha256=abc123"}

    response = outbound.post(f"{http_server.url}/hooks/1?token=xyz", body, headers)

    assert response == outbound.Response(status=200, body=b'{"ok":true}')
    [request] = http_server.requests
    assert request["path"] == "/hooks/1?token=xyz"
    assert request["body"] == body
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["X-Cadence-Signature"] == "sha256=abc123"
    assert request["headers"]["User-Agent"] == "Cadence-Webhook/1"
    assert request["headers"]["Host"] == f"127.0.0.1:{http_server.port}"
    assert request["headers"]["Content-Length"] == str(len(body))
    assert http_server.connections == 1

    assert refused(f"http://localhost:{http_server.port}/").reason == "host"
    assert http_server.connections == 1


def test_https_only_by_default_even_for_a_named_host(settings: Any, http_server: Any) -> None:
    settings.OUTBOUND_LOCAL_HOSTS = ["127.0.0.1"]
    assert refused(f"{http_server.url}/").reason == "scheme"
    assert http_server.connections == 0


# --- 4. Redirects are never followed ---------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_a_failure_and_its_target_is_never_reached(
    local_http: Any, http_server: Any, status: int
) -> None:
    with HttpServer() as target:  # on loopback too, but reached only as "localhost": not allowed
        for location in (f"http://localhost:{target.port}/", "http://169.254.169.254/latest/meta-data/"):
            http_server.respond = (status, {"Location": location}, b"moved")
            with pytest.raises(Failed) as failed:
                outbound.post(f"{http_server.url}/hook", b"{}", {})
            assert (failed.value.reason, failed.value.status, failed.value.transient) == ("redirect", status, False)
        assert target.connections == 0
    assert len(http_server.requests) == 2


# --- 5. Resolved once; the connection goes to the checked address ---------------------------------


def test_a_named_host_is_resolved_once_and_reached_at_the_checked_address(
    local_http: Any, dns: Resolver, http_server: Any
) -> None:
    local_http.OUTBOUND_LOCAL_HOSTS = ["hooks.example.test"]
    dns.answers["hooks.example.test"] = [["127.0.0.1"]]

    outbound.post(f"http://hooks.example.test:{http_server.port}/hook", b"ping", {})

    assert dns.lookups == ["hooks.example.test"]
    [request] = http_server.requests
    assert request["headers"]["Host"] == f"hooks.example.test:{http_server.port}"
    assert request["body"] == b"ping"


def test_rebinding_cannot_move_the_connection(
    settings: Any, dns: Resolver, http_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name answers a public address when checked and loopback afterwards: the client must
    connect to the public address it checked (refused here, so nothing leaves the machine)."""
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_PORTS = [http_server.port]
    dns.answers["rebind.test"] = [[PUBLIC], ["127.0.0.1"]]
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)

    with pytest.raises(Failed) as failed:
        outbound.post(f"http://rebind.test:{http_server.port}/", b"{}", {})

    assert (failed.value.reason, failed.value.transient) == ("connection", True)
    assert dns.lookups == ["rebind.test"]
    assert attempts == [(PUBLIC, http_server.port)]
    assert http_server.connections == 0


@pytest.mark.parametrize(
    "answer",
    [[PUBLIC, "127.0.0.1"], ["127.0.0.1", PUBLIC], [PUBLIC, "10.1.2.3"], [PUBLIC, "::1"], [PUBLIC, "169.254.169.254"]],
)
def test_one_blocked_address_among_the_answers_refuses_the_name(
    dns: Resolver, connections: list[Any], answer: list[str]
) -> None:
    dns.answers["mixed.test"] = [answer]
    assert refused("https://mixed.test/").reason == "blocked_address"
    assert connections == []


def test_an_unresolvable_name_is_refused(dns: Resolver, connections: list[Any]) -> None:
    assert refused("https://nowhere.test/").reason == "unresolvable"
    dns.answers["empty.test"] = [[]]
    assert refused("https://empty.test/").reason == "unresolvable"
    assert connections == []


# --- 6. Failures: status, transience, timeouts, size ----------------------------------------------

SECRET = b"internal stack trace: password=hunter2"


@pytest.mark.parametrize(
    ("status", "transient"),
    [(500, True), (502, True), (503, True), (408, True), (429, True), (400, False), (401, False), (404, False)],
)
def test_a_non_2xx_status_fails_without_the_body(
    local_http: Any, http_server: Any, status: int, transient: bool
) -> None:
    http_server.respond = (status, {"Content-Type": "text/plain"}, SECRET)
    with pytest.raises(Failed) as failed:
        outbound.post(f"{http_server.url}/", b"{}", {})
    assert (failed.value.reason, failed.value.status, failed.value.transient) == ("status", status, transient)
    for text in (str(failed.value), repr(failed.value), repr(failed.value.args), repr(vars(failed.value))):
        assert "hunter2" not in text
    assert failed.value.__cause__ is None and failed.value.__context__ is None


def test_a_server_that_never_answers_times_out_quickly(local_http: Any) -> None:
    local_http.OUTBOUND_TIMEOUT = 0.5
    with socket.create_server(("127.0.0.1", 0)) as silent:  # the kernel accepts; nobody answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        started = time.monotonic()
        with pytest.raises(Failed) as failed:
            outbound.post(url, b"{}", {})
        assert time.monotonic() - started < 3
        with pytest.raises(Failed) as shorter:
            outbound.post(url, b"{}", {}, timeout=0.1)
    assert (failed.value.reason, failed.value.transient) == ("timeout", True)
    assert shorter.value.reason == "timeout"


def test_a_closed_port_is_a_transient_connection_failure(local_http: Any) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(Failed) as failed:
        outbound.post(f"http://127.0.0.1:{port}/", b"{}", {})
    assert (failed.value.reason, failed.value.transient) == ("connection", True)


def test_a_declared_oversized_response_is_not_read(local_http: Any, http_server: Any) -> None:
    local_http.OUTBOUND_MAX_RESPONSE = 1000
    # "Connection: close", or the server would wait for a next request on a socket the client reset.
    http_server.respond = (200, {"Connection": "close"}, b"x" * 1001)
    with pytest.raises(Failed) as failed:
        outbound.post(f"{http_server.url}/", b"{}", {})
    assert (failed.value.reason, failed.value.status, failed.value.transient) == ("too_large", 200, False)

    http_server.respond = (200, {}, b"x" * 1000)
    assert outbound.post(f"{http_server.url}/", b"{}", {}).status == 200


def test_an_endless_response_is_cut_at_the_cap(local_http: Any) -> None:
    local_http.OUTBOUND_MAX_RESPONSE = 65536

    def endless(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        while True:  # until the client hangs up
            connection.sendall(b"x" * 65536)

    with raw_server(endless) as port:
        started = time.monotonic()
        with pytest.raises(Failed) as failed:
            outbound.post(f"http://127.0.0.1:{port}/", b"{}", {})
    assert failed.value.reason == "too_large"
    assert time.monotonic() - started < 3


def test_a_trickling_response_is_cut_at_the_timeout(local_http: Any) -> None:
    local_http.OUTBOUND_TIMEOUT = 0.5

    def trickle(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        while True:  # one byte at a time, each well within the socket timeout
            connection.sendall(b"x")
            time.sleep(0.05)

    with raw_server(trickle) as port:
        started = time.monotonic()
        with pytest.raises(Failed) as failed:
            outbound.post(f"http://127.0.0.1:{port}/", b"{}", {})
    assert failed.value.reason == "timeout"
    assert time.monotonic() - started < 3


# --- TLS: certificate verified against the name, SNI sent, connection to the checked address -------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
            *("-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=hooks.example.test"),
            *("-addext", "subjectAltName=DNS:hooks.example.test"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def tls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[HttpServer, list[str | None]]]:
    """The shared HTTP server behind TLS, recording the name each client asked for (SNI)."""
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    context.sni_callback = lambda _socket, name, _context: server_names.append(name)  # type: ignore[func-returns-value]
    server = HttpServer()
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    with server:
        yield server, server_names


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch, certificate: tuple[Path, Path]) -> None:
    """The system trust store is our self-signed certificate (OpenSSL reads SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


def test_https_verifies_the_name_and_sends_sni_to_the_checked_address(
    settings: Any, dns: Resolver, certificate: tuple[Path, Path], trusting: None
) -> None:
    settings.OUTBOUND_LOCAL_HOSTS = ["hooks.example.test", "other.example.test"]
    dns.answers["hooks.example.test"] = [["127.0.0.1"]]
    dns.answers["other.example.test"] = [["127.0.0.1"]]
    with tls_server(certificate) as (server, server_names):
        assert outbound.post(f"https://hooks.example.test:{server.port}/tls", b"secure", {}).status == 200
        with pytest.raises(Failed) as mismatch:  # same address, a name the certificate does not carry
            outbound.post(f"https://other.example.test:{server.port}/tls", b"secure", {})
    assert server.requests[0]["body"] == b"secure"
    assert server.requests[0]["headers"]["Host"] == f"hooks.example.test:{server.port}"
    assert server_names[0] == "hooks.example.test"
    assert (mismatch.value.reason, mismatch.value.transient) == ("tls", False)
    assert len(server.requests) == 1


def test_https_refuses_an_untrusted_certificate(settings: Any, dns: Resolver, certificate: tuple[Path, Path]) -> None:
    settings.OUTBOUND_LOCAL_HOSTS = ["hooks.example.test"]
    dns.answers["hooks.example.test"] = [["127.0.0.1"]]
    with tls_server(certificate) as (server, _), pytest.raises(Failed) as failed:
        outbound.post(f"https://hooks.example.test:{server.port}/", b"{}", {})
    assert failed.value.reason == "tls"
    assert server.requests == []


# --- 7. Scheme, credentials, port and the form of the URL -----------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://example.com:70/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("//example.com/", "scheme"),
        ("example.com/hook", "scheme"),
        ("http://example.com/", "scheme"),
        ("https://user:pw@example.com/", "credentials"),
        ("https://user@example.com/", "credentials"),
        ("https://@example.com/", "credentials"),
        ("https://example.com:443@127.0.0.1/", "credentials"),
        ("https://example.com:22/", "port"),
        ("https://example.com:6379/", "port"),
        ("https://example.com:0/", "port"),
        ("https://example.com:65536/", "port"),
        ("https://example.com:abc/", "port"),
        ("https://exa mple.com/", "invalid"),
        (" https://example.com/", "invalid"),
        ("https://example.com/\r\nX-Injected: 1", "invalid"),
        ("https://[::1/", "invalid"),
        ("https:///hook", "host"),
        ("https://exa%2emple.com/", "host"),
        ("https://example.com./", "host"),
        ("https://exa_mple!.com/", "host"),
        ("https://" + "a" * 64 + ".com/", "host"),
    ],
)
def test_scheme_credentials_port_and_form(connections: list[Any], url: str, reason: str) -> None:
    error = refused(url)
    assert error.reason == reason
    assert "example" not in error.message and "example" not in str(error)
    assert connections == []


def test_http_is_allowed_only_when_an_admin_allows_it(settings: Any, dns: Resolver) -> None:
    dns.answers["hooks.example.test"] = [[PUBLIC]]
    assert refused("http://hooks.example.test/").reason == "scheme"
    settings.OUTBOUND_ALLOW_HTTP = True
    outbound.check_url("http://hooks.example.test/")
    assert refused("http://hooks.example.test:22/").reason == "port"
