"""The client's address, believing X-Forwarded-For only from configured proxies."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: Request) -> str:
    """The peer address; behind trusted proxies, the first untrusted hop from the right.

    A client can put anything into X-Forwarded-For, so it is read only when the peer itself
    is a trusted proxy, and from the right, skipping our own proxies.
    """
    peer = request.client.host if request.client else "unknown"
    networks = _networks(tuple(request.app.state.settings.http.trusted_proxies))
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = request.headers.get("x-forwarded-for", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    return peer
