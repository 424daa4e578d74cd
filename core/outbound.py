"""The one outbound HTTP client (SECURITY.md rule 7): every webhook and IM message goes through here.

The URLs come from users, so a careless client would let them reach what only the server can
reach: its loopback ports, the cloud metadata service (credentials), the intranet (SSRF). Here a
URL is parsed strictly, its host resolved once, every address checked against an explicit block
table, and the connection made to the address that was checked, so that a DNS answer that changes
between check and connect (rebinding) cannot move it. Redirects are never followed, timeouts are
short, the response read is capped, and nothing the remote side sends reaches the user.

The block table is written out by hand: `ipaddress.is_private` and `is_global` are wrong for some
ranges on the Python we run (CVE-2024-4032).
"""

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit

from django.conf import settings
from django.utils.translation import gettext

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
USER_AGENT = "Cadence-Webhook/1"

_BLOCKED = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "::/128",
        "::1/128",
        "::/96",  # IPv4-compatible, deprecated
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b:1::/48",  # local-use NAT64, where the IPv4 part can sit anywhere
        "100::/64",
        "2001::/32",  # Teredo
        "2001:db8::/32",
        "2002::/16",  # 6to4
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
]
# What an address may be when its host is named in OUTBOUND_LOCAL_HOSTS: loopback, private,
# link-local and CGNAT. Never multicast, unspecified, broadcast, reserved, or metadata.
_LOCAL = [
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
]
# Cloud metadata services hand out credentials: refused whatever the settings say.
_METADATA_ADDRESSES = {
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Huawei, Baidu
        "169.254.170.2",  # AWS ECS task credentials
        "169.254.0.23",  # Tencent Cloud
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "fd00:ec2::254",  # AWS over IPv6
    )
}
_METADATA_NAMES = {
    "metadata",
    "metadata.google.internal",
    "metadata.goog",
    "metadata.tencentyun.com",
    "instance-data",
    "instance-data.ec2.internal",
}
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")
# The last label decides whether a host is an IPv4 number (as browsers parse it, WHATWG URL).
_NUMBER = re.compile(r"[0-9]+|0x[0-9a-f]*")


class Refused(Exception):
    """The URL may not be called. No connection was made. `reason` is a short stable code,
    `message` a translated sentence for the user."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class Failed(Exception):
    """The call was made and did not succeed. `reason` is a short code for logs and admins
    ("timeout", "connection", "tls", "redirect", "status", "too_large"); `status` the HTTP status
    if any. Never carries the remote body."""

    def __init__(self, reason: str, *, status: int | None = None, transient: bool = False) -> None:
        super().__init__(reason if status is None else f"{reason} {status}")
        self.reason = reason
        self.status = status
        self.transient = transient


@dataclass(frozen=True)
class Response:
    status: int
    # At most OUTBOUND_MAX_RESPONSE bytes, for the caller to read a service's own verdict from;
    # never shown to a user.
    body: bytes = b""


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII, as sent in SNI and the Host header
    port: int
    path: str
    addresses: list[IPAddress]


def check_url(url: str) -> None:
    """Raise Refused unless `url` may be called: parsing, scheme, port, host form and DNS
    resolution with the block table. Used when a webhook is created or changed."""
    _check(url)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float | None = None) -> Response:
    """POST `body` to `url` after the checks of check_url, to the very address that was checked.
    Raises Refused (nothing was sent) or Failed (a 3xx, any other non-2xx, or a network error)."""
    target = _check(url)
    seconds = settings.OUTBOUND_TIMEOUT if timeout is None else timeout
    connection = _connection(target, seconds)
    try:
        connection.request("POST", target.path, body=body, headers={"User-Agent": USER_AGENT, **headers})
        # The response owns the socket once the server says "Connection: close": close it too.
        with connection.getresponse() as response:
            _raise_for_status(response.status)
            return Response(status=response.status, body=_read_capped(response, time.monotonic() + seconds))
    # TLS errors and timeouts are OSErrors too: the order matters.
    except ssl.SSLError:
        raise Failed("tls") from None
    except TimeoutError:
        raise Failed("timeout", transient=True) from None
    except (OSError, http.client.HTTPException):
        raise Failed("connection", transient=True) from None
    finally:
        connection.close()


# --- The checks -----------------------------------------------------------------------------------


def _check(url: str) -> _Target:
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise Refused("invalid", gettext("This is not a valid URL."))
    try:
        parts = urlsplit(url)
    except ValueError:
        raise Refused("invalid", gettext("This is not a valid URL.")) from None
    if parts.scheme not in _allowed_schemes():
        raise Refused("scheme", _scheme_message())
    if "@" in parts.netloc:
        raise Refused("credentials", gettext("A URL with a user name or password in it cannot be called."))
    host, literal = _host(parts)
    local = host in _local_hosts()
    port = _port(parts, local)
    addresses = [literal] if literal is not None else _resolve(host, port)
    if any(_is_blocked(address, local=local) for address in addresses):
        raise Refused(
            "blocked_address",
            gettext("This address is on a local, private or reserved network and cannot be called."),
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # A pasted URL may hold non-ASCII (a Chinese path); the request line must be ASCII.
    path = re.sub(r"[^\x00-\x7f]+", lambda m: quote(m.group()), path)
    return _Target(scheme=parts.scheme, host=host, port=port, path=path, addresses=addresses)


def _allowed_schemes() -> set[str]:
    return {"https", "http"} if settings.OUTBOUND_ALLOW_HTTP else {"https"}


def _scheme_message() -> str:
    if settings.OUTBOUND_ALLOW_HTTP:
        return gettext("Only http:// and https:// URLs can be called.")
    return gettext("Only https:// URLs can be called.")


def _host(parts: SplitResult) -> tuple[str, IPAddress | None]:
    """The host in ASCII, and its address when it is written as one. Refuses what a resolver could
    read differently from us: numbers in odd forms, zones, stray characters, local names."""
    refused = Refused("host", gettext("This host name cannot be called."))
    raw = parts.hostname or ""
    if not raw or "%" in raw:
        raise refused
    if ":" in raw:  # only a bracketed IPv6 literal has a colon in the host
        try:
            literal = ipaddress.IPv6Address(raw)
        except ValueError:
            raise refused from None
        return str(literal), literal
    try:
        # The idna codec folds look-alikes ("１２７。0。0。1" becomes "127.0.0.1"): check what it gives.
        host = raw.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise refused from None
    labels = host.split(".")
    if _NUMBER.fullmatch(labels[-1]):
        try:
            return host, ipaddress.IPv4Address(host)
        except ValueError:
            # 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 all reach 127.0.0.1 through inet_aton.
            raise Refused(
                "numeric_form", gettext("Write an IP address as four decimal numbers separated by dots.")
            ) from None
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise refused
    if host in _METADATA_NAMES:
        raise refused
    if (host == "localhost" or host.endswith(_LOCAL_SUFFIXES)) and host not in _local_hosts():
        raise refused
    return host, None


def _local_hosts() -> set[str]:
    """OUTBOUND_LOCAL_HOSTS in the form _host gives: lower case, IP addresses written canonically."""
    names = set()
    for entry in settings.OUTBOUND_LOCAL_HOSTS:
        name = entry.strip().strip("[]").lower()
        with contextlib.suppress(ValueError):  # not an IP address: a name
            name = str(ipaddress.ip_address(name))
        names.add(name)
    return names


def _port(parts: SplitResult, local: bool) -> int:
    refused = Refused("port", gettext("This port cannot be called."))
    try:
        port = parts.port
    except ValueError:
        raise refused from None
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    if not local and port not in settings.OUTBOUND_PORTS:
        raise refused
    return port


def _resolve(host: str, port: int) -> list[IPAddress]:
    """Every address of `host`, resolved this once; refused if there is none (fail closed)."""
    refused = Refused("unresolvable", gettext("This host name could not be resolved."))
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise refused from None
    addresses = []
    for family, _, _, _, sockaddr in answers:
        if family in (socket.AF_INET, socket.AF_INET6):
            # Without the zone ("%eth0"), which would make the address unequal to its entry in the table.
            addresses.append(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]))
    if not addresses:
        raise refused
    return addresses


def _is_blocked(address: IPAddress, *, local: bool) -> bool:
    if address in _METADATA_ADDRESSES:
        return True
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return _is_blocked(embedded, local=local)
    if local and any(address in network for network in _LOCAL):
        return False
    return any(address in network for network in _BLOCKED)


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address that an IPv4-mapped or NAT64 address reaches, which is what must be checked."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


# --- The call -------------------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked addresses; the Host header still names the host."""

    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = target.addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked addresses; SNI, the certificate check and the Host header use the host."""

    def __init__(self, target: _Target, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.addresses = target.addresses

    def connect(self) -> None:
        self.sock = self.tls.wrap_socket(_connect(self.addresses, self.port, self.timeout), server_hostname=self.host)


def _connection(target: _Target, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target, timeout)
    return _PinnedHTTPConnection(target, timeout)


def _connect(addresses: list[IPAddress], port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers."""
    error: OSError = OSError("no address")
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout)
        except OSError as exc:
            error = exc
    raise error


def _raise_for_status(status: int) -> None:
    if 300 <= status < 400:
        raise Failed("redirect", status=status)
    if not 200 <= status < 300:
        raise Failed("status", status=status, transient=status in (408, 429) or status >= 500)


def _read_capped(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """Read the body up to OUTBOUND_MAX_RESPONSE bytes, and within the timeout as a whole, so that
    neither a huge nor a trickling answer holds the worker."""
    limit = settings.OUTBOUND_MAX_RESPONSE
    if (response.length or 0) > limit:
        raise Failed("too_large", status=response.status)
    chunks: list[bytes] = []
    received = 0
    while chunk := response.read1(16384):
        chunks.append(chunk)
        received += len(chunk)
        if received > limit:
            raise Failed("too_large", status=response.status)
        if time.monotonic() > deadline:
            raise Failed("timeout", status=response.status, transient=True)
    return b"".join(chunks)
