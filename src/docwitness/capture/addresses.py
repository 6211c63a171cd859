"""Which addresses a fetch may be sent to: redirects out of the public internet are refused.

A public server's redirect (or a host name whose DNS answer changes) must not
turn docwitness into a client of the machine it runs on or of the network it
sits in: a hop whose address is loopback, private (RFC 1918, fc00::/7),
link-local or unspecified is refused when the witness's own URL resolved to a
public address. A witness whose URL is itself on such an address is on a local
network on purpose, and its redirects are followed. :func:`refusal` is the rule,
a pure function of two addresses and the allow flag; :func:`resolve` is the
resolver the HTTP transport asks, one place that tests can point elsewhere.
"""

from __future__ import annotations

import ipaddress
import socket

_LOCAL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("loopback", ("127.0.0.0/8", "::1/128")),
    ("private", ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")),
    ("link-local", ("169.254.0.0/16", "fe80::/10")),
    # Connecting to 0.0.0.0 or :: reaches this machine.
    ("unspecified", ("0.0.0.0/8", "::/128")),
)
_NETWORKS = tuple((kind, ipaddress.ip_network(net)) for kind, nets in _LOCAL for net in nets)


def local_kind(address: str) -> str | None:
    """The kind of local address ``address`` is: "loopback", "private", "link-local"
    or "unspecified"; None for any other (public) address, or for a string that is
    not an address. An IPv4-mapped IPv6 address is judged as its IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, net in _NETWORKS:
        if ip.version == net.version and ip in net:
            return kind
    return None


def refusal(start: str | None, target: str, allow_private: bool = False) -> str | None:
    """Why a hop to ``target`` is refused when the witness's URL resolved to ``start``,
    or None when it may be followed.

    Refused: a loopback, private, link-local or unspecified ``target`` after a
    public ``start`` (or one that could not be resolved), unless ``allow_private``.
    """
    kind = local_kind(target)
    if allow_private or kind is None:
        return None
    if start is not None and local_kind(start) is not None:
        return None
    return f"redirect to a {kind} address {target} refused (--allow-private to follow)"


def resolve(host: str) -> str | None:
    """The first address ``host`` resolves to (an address is itself), or None if none."""
    bare = host.strip("[]")
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(bare, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    return str(infos[0][4][0]) if infos else None
