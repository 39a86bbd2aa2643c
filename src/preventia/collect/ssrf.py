"""SSRF guard: refuse URLs and addresses a crawler must never reach.

Two layers, both applied to every URL and every redirect hop:

1. :func:`check_url` refuses, before any network activity, a scheme other than
   http/https, credentials in the URL, an empty host and a host that is a forbidden IP
   literal (in any spelling ``getaddrinfo`` accepts: ``2130706433``, ``0x7f.1``,
   ``[::ffff:127.0.0.1]`` …).
2. :class:`GuardedNetworkBackend` is the httpcore network backend of the fetcher's
   transport. When httpcore opens a TCP connection it resolves the host name itself
   (all addresses), refuses the connection when *any* address is forbidden, and then
   connects to one of the vetted IP addresses — never to the name again. The check and
   the connect therefore use the same addresses, which closes the DNS-rebinding window
   (a name answering a public address to the check and a private one to the connect).
   TLS is unaffected: httpcore sends SNI and verifies the certificate for the URL's host
   name, not for the IP address we connected to.

Limits (documented in docs/collection.md): an HTTP(S) proxy would resolve names itself,
so the transport never uses one (``trust_env=False``); keep-alive connections are
reused per origin for a short time, so a name re-pointed during that time keeps
reaching the address vetted at connect time (which was allowed).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import select
import socket
import ssl
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})

# Ranges that ``ipaddress`` reports as global (or does not flag in every Python version)
# but that a public news site never uses.
_EXTRA_BLOCKED: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network"
        "100.64.0.0/10",  # carrier-grade NAT (also cloud metadata, e.g. 100.100.100.200)
        "192.0.0.0/24",  # IETF protocol assignments
        "198.18.0.0/15",  # benchmarking
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, incl. broadcast
        "64:ff9b:1::/48",  # local-use NAT64
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_NUMERIC_HOST = re.compile(r"^[0-9a-fA-FxX.]+$")
# A DNS name as httpx hands it over (IDNA already punycoded); "_" occurs in the wild.
_HOST_NAME = re.compile(
    r"^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_-]{1,63})*\.?$", re.I
)


class BlockedAddressError(Exception):
    """A URL or address the SSRF guard refuses; ``reason`` says why."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"refused {target}: {reason}")
        self.target = target
        self.reason = reason


@dataclass(frozen=True)
class GuardPolicy:
    """What the guard lets through.

    ``allow_private_networks`` switches the address check off (tests, never production).
    ``allowed_networks`` are exceptions to the address check (e.g. one loopback address
    for a test fixture, so that a redirect to any *other* private address is refused).
    ``resolver`` replaces the system resolver (tests map names to fixture addresses).
    """

    allow_private_networks: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    resolver: Resolver | None = None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address carried inside an IPv6 one (mapped, 6to4, Teredo, NAT64)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(ip))
    return None


def blocked_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be contacted, or ``None`` when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = blocked_reason(embedded)
            return f"{inner} (IPv4 {embedded} embedded in IPv6)" if inner else None
    checks = (
        (ip.is_unspecified, "unspecified address"),
        (ip.is_loopback, "loopback address"),
        (ip.is_link_local, "link-local address"),
        (ip.is_multicast, "multicast address"),
        (ip.is_private, "private address"),
        (ip.is_reserved, "reserved address"),
    )
    for flagged, reason in checks:
        if flagged:
            return reason
    if any(ip.version == net.version and ip in net for net in _EXTRA_BLOCKED):
        return "reserved address"
    if not ip.is_global:
        return "not a globally routable address"
    return None


def check_address(ip: IPAddress, policy: GuardPolicy) -> None:
    """Raise :class:`BlockedAddressError` when ``policy`` forbids ``ip``."""
    if policy.allow_private_networks:
        return
    if any(ip.version == net.version and ip in net for net in policy.allowed_networks):
        return
    reason = blocked_reason(ip)
    if reason is not None:
        raise BlockedAddressError(str(ip), reason)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The IP address a host string denotes, in any form the system resolver accepts."""
    bare = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(bare):
        try:  # decimal, hex, octal and short forms: 2130706433, 0x7f.1, 0177.0.0.1, 127.1
            return ipaddress.IPv4Address(socket.inet_aton(bare))
        except OSError:
            return None
    return None


def check_url(url: str | httpx.URL, policy: GuardPolicy) -> httpx.URL:
    """Refuse a URL before any network activity; return it parsed.

    Raises :class:`BlockedAddressError` (scheme, credentials, forbidden IP literal) or
    ``httpx.InvalidURL`` (unparseable).
    """
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    target = str(parsed)
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise BlockedAddressError(target, f"scheme {parsed.scheme!r} is not http(s)")
    if parsed.userinfo:
        raise BlockedAddressError(target, "credentials in the URL")
    if not parsed.host:
        raise BlockedAddressError(target, "no host")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise httpx.InvalidURL(f"invalid port {parsed.port}")
    literal = parse_ip_literal(parsed.host)
    if literal is not None:
        check_address(literal, policy)
    elif not _HOST_NAME.match(parsed.host):
        raise httpx.InvalidURL(f"invalid host name {parsed.host!r}")
    return parsed


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """All addresses ``host`` resolves to (IPv4 and IPv6), in resolver order, unique."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


async def resolve_checked(
    host: str, port: int, policy: GuardPolicy, timeout: float | None = None
) -> list[IPAddress]:
    """Resolve ``host`` and refuse it when any of its addresses is forbidden."""
    literal = parse_ip_literal(host)
    if literal is not None:
        addresses: Sequence[IPAddress] = [literal]
    else:
        resolver = policy.resolver or system_resolver
        try:
            addresses = await asyncio.wait_for(resolver(host, port), timeout)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    if not addresses:
        raise httpcore.ConnectError(f"{host} has no address")
    for ip in addresses:
        try:
            check_address(ip, policy)
        except BlockedAddressError as exc:
            raise BlockedAddressError(f"{host} ({ip})", exc.reason) from None
    return list(addresses)


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore backend that connects only to vetted addresses (see module doc)."""

    def __init__(self, policy: GuardPolicy, inner: httpcore.AsyncNetworkBackend | None = None):
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await resolve_checked(host, port, self._policy, timeout)
        last_error: Exception | None = None
        for ip in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    str(ip), port, timeout, local_address, socket_options
                )
                return _PooledStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError(path, "unix sockets are never used by the crawler")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _PooledStream(httpcore.AsyncNetworkStream):
    """The inner backend's stream, answering httpcore's "is_readable" from the raw socket.

    At every request and every response close, httpcore asks each idle pooled connection
    whether its socket is readable (a server-side close). Through anyio that lookup builds
    a dictionary of socket attributes per call, which made it the fetcher's largest cost
    with a few dozen kept-alive hosts; this answers it with one ``poll``.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _PooledStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> object:
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket) -> bool:
    """True when a read would not block (data, or the peer closed); a closed socket too."""
    if sock.fileno() == -1:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _OriginTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with its connection pool opened on the guarded backend.

    ``httpx.AsyncHTTPTransport`` has no ``network_backend`` argument, so the pool it
    builds is replaced by an identical one that has it (httpx 0.28; covered by tests).
    No proxy is ever used: a proxy would resolve names beyond the guard's reach.
    """

    def __init__(
        self,
        backend: GuardedNetworkBackend,
        ssl_context: ssl.SSLContext,
        limits: httpx.Limits,
    ) -> None:
        super().__init__(verify=ssl_context, trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=backend,
        )


_Origin = tuple[bytes, bytes, int | None]


class GuardedTransport(httpx.AsyncBaseTransport):
    """The fetcher's transport: a small guarded connection pool per origin.

    httpcore (1.0.9) checks every pooled connection at every request and response close
    (a ``poll`` system call each), and closes idle connections as soon as the pool holds
    more connections in all than its keep-alive limit; one pool shared by dozens of
    kept-alive hosts spends its time on that bookkeeping and on reconnecting. The crawler
    asks each host for one thing at a time, so one pool per origin (scheme, host, port)
    is its natural shape. Pools of the least recently used origins are closed beyond
    ``max_origins`` (far above the number of hosts fetched at once).
    """

    def __init__(
        self,
        policy: GuardPolicy,
        *,
        limits: httpx.Limits | None = None,
        max_origins: int = 256,
    ) -> None:
        self._backend = GuardedNetworkBackend(policy)
        self._ssl_context = httpx.create_ssl_context(trust_env=False)
        self._limits = limits or httpx.Limits(max_connections=4, max_keepalive_connections=2)
        self._max_origins = max_origins
        self._pools: OrderedDict[_Origin, _OriginTransport] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = _OriginTransport(
                self._backend, self._ssl_context, self._limits
            )
            while len(self._pools) > self._max_origins:
                await self._pools.popitem(last=False)[1].aclose()
        else:
            self._pools.move_to_end(key)
        return await pool.handle_async_request(request)

    @property
    def origins(self) -> int:
        """How many origins have a pool now."""
        return len(self._pools)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()
