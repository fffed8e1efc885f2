"""The client address: X-Forwarded-For is believed only from a trusted proxy, read from the right."""

import pytest
from django.test import RequestFactory, override_settings

from catalog.clients import client_address, resolve_client_address

PROXY = ("10.0.0.0/8", "127.0.0.1")


@pytest.mark.parametrize(
    ("peer", "forwarded", "proxies", "client"),
    [
        # No trusted proxy configured: the header is never used.
        ("203.0.113.5", "198.51.100.1", (), "203.0.113.5"),
        ("127.0.0.1", "198.51.100.1", (), "127.0.0.1"),
        # A peer that is not a trusted proxy: the header is its own invention.
        ("203.0.113.5", "198.51.100.1", PROXY, "203.0.113.5"),
        # The proxy appended the real peer; what the client sent sits to its left.
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", PROXY, "198.51.100.1"),
        ("10.1.2.3", "198.51.100.1", PROXY, "198.51.100.1"),
        # Two trusted proxies in a row.
        ("127.0.0.1", "198.51.100.1, 10.9.9.9", PROXY, "198.51.100.1"),
        # IPv6 and ports.
        ("127.0.0.1", "[2001:db8::1]:4711", PROXY, "2001:db8::1"),
        ("127.0.0.1", "198.51.100.1:5000", PROXY, "198.51.100.1"),
        ("::ffff:127.0.0.1", "198.51.100.1", PROXY, "198.51.100.1"),
        # Garbage stops the walk: nothing to its left can be trusted.
        ("127.0.0.1", "6.6.6.6, not-an-address", PROXY, "127.0.0.1"),
        ("127.0.0.1", "6.6.6.6, garbage, 198.51.100.1", PROXY, "198.51.100.1"),
        ("127.0.0.1", "", PROXY, "127.0.0.1"),
    ],
)
def test_client_address(peer, forwarded, proxies, client):
    assert resolve_client_address(peer, forwarded, proxies) == client


def test_the_setting_is_read_and_the_answer_kept_for_the_request():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        assert client_address(request) == "198.51.100.7"
    request.META["HTTP_X_FORWARDED_FOR"] = "198.51.100.8"
    assert client_address(request) == "198.51.100.7"


def test_without_trusted_proxies_a_forged_header_changes_nothing():
    factory = RequestFactory()
    with override_settings(TRUSTED_PROXIES=[]):
        addresses = {
            client_address(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"))
            for i in range(20)
        }
    assert addresses == {"127.0.0.1"}
