"""Who is asking: the client address behind trusted proxies, and the identity budgets count.

A request's peer (``REMOTE_ADDR``) is the client unless it is one of ``TRUSTED_PROXIES``;
only then is ``X-Forwarded-For`` read, from the right, skipping the trusted proxies, so
a client cannot choose its own identity by sending the header itself: whatever it sends
sits to the left of the address the proxy appended.
"""

import ipaddress
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from .error_pages import error_page
from .errors import ErrorCode, ErrorItem, Throttled, error_body

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_current_address: ContextVar[str | None] = ContextVar("client_address", default=None)


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


@lru_cache(maxsize=4096)
def resolve_client_address(remote_addr: str, forwarded_for: str | None, proxies: tuple[str, ...]) -> str:
    """The client's address for a request from ``remote_addr`` carrying ``forwarded_for``.

    Kept for the addresses seen last: a client sends many requests, and parsing costs more
    than the rest of a repeated read's bookkeeping.
    """
    peer = _address(remote_addr or "")
    if peer is None:
        return remote_addr or "unknown"
    networks = _networks(proxies)
    if not forwarded_for or not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            # A garbled entry: nothing to its left can be trusted; the last good hop is the client.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def client_address(request: HttpRequest) -> str:
    """The address of the client behind ``request``, resolved once per request."""
    address = getattr(request, "client_address", None)
    if address is None:
        address = resolve_client_address(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR"),
            tuple(settings.TRUSTED_PROXIES),
        )
        request.client_address = address
    return address


def current_client_address() -> str | None:
    """The address of the client of the request being served in this context, if any."""
    return _current_address.get()


_JSON_PREFIXES = ("/api/", "/graphql/")


def throttled_response(request: HttpRequest, refusal: Throttled) -> HttpResponse:
    """429 with Retry-After: JSON with code ``throttled`` under /api/ and /graphql/, a page elsewhere."""
    if request.path.startswith(_JSON_PREFIXES):
        body = error_body([ErrorItem(None, ErrorCode.THROTTLED, refusal.message)])
        response: HttpResponse = JsonResponse(body, status=429)
    else:
        page = error_page("Too many attempts", f"{refusal.message} Wait {refusal.retry_after} seconds.")
        response = HttpResponse(page, status=429, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(refusal.retry_after)
    response["Cache-Control"] = "no-store"
    return response


class ClientAddressMiddleware:
    """Resolves the client address once and makes it known to code that has no request.

    A login budget spent inside a view that does not answer it itself (the admin's and the
    browsable API's login forms) becomes a 429 here.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current_address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _current_address.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Throttled):
            return throttled_response(request, exception)
        return None
