"""The budget counters themselves: rates, windows, one counter per identity, a cache outage."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from catalog import budget
from catalog.budget import Rate, parse_rate


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("30/minute", Rate(30, 60)),
        ("5/10m", Rate(5, 600)),
        ("1000/hour", Rate(1000, 3600)),
        (" 7 / second ", Rate(7, 1)),
        ("2/days", Rate(2, 86400)),
        (None, None),
    ],
)
def test_rates_are_read_as_a_count_per_window(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["thirty/minute", "30", "30/fortnight", "-1/minute", "30/"])
def test_a_rate_that_is_no_rate_is_refused_at_start(text):
    with pytest.raises(ValueError, match="Not a rate"):
        parse_rate(text)


def test_charges_add_up_to_the_limit_then_refuse_with_the_time_left():
    rate = Rate(10, 60)
    first = budget.charge("anon", "addr:192.0.2.1", 4, rate=rate)
    second = budget.charge("anon", "addr:192.0.2.1", 6, rate=rate)
    third = budget.charge("anon", "addr:192.0.2.1", 1, rate=rate)
    assert (first.allowed, first.remaining) == (True, 6)
    assert (second.allowed, second.remaining) == (True, 0)
    assert not third.allowed
    assert 1 <= third.retry_after <= 60


def test_each_identity_and_scope_has_its_own_counter():
    rate = Rate(1, 60)
    assert budget.charge("anon", "addr:192.0.2.1", rate=rate).allowed
    assert budget.charge("anon", "addr:192.0.2.2", rate=rate).allowed
    assert budget.charge("login", "addr:192.0.2.1", rate=rate).allowed
    assert not budget.charge("anon", "addr:192.0.2.1", rate=rate).allowed


def test_a_new_window_starts_from_zero(monkeypatch):
    rate = Rate(1, 60)
    monkeypatch.setattr(budget.time, "time", lambda: 6000.0)
    assert budget.charge("anon", "a", rate=rate).allowed
    assert not budget.charge("anon", "a", rate=rate).allowed
    monkeypatch.setattr(budget.time, "time", lambda: 6060.0)
    assert budget.charge("anon", "a", rate=rate).allowed


def test_peek_reports_without_charging():
    rate = Rate(3, 60)
    budget.charge("user", "user:1", 2, rate=rate)
    assert budget.peek("user", "user:1", rate=rate).remaining == 1
    assert budget.peek("user", "user:1", rate=rate).remaining == 1


def test_no_rate_means_no_limit_but_the_cost_is_still_known():
    with override_settings(THROTTLE_RATES={"anon": None}):
        charge = budget.charge("anon", "a", 7)
    assert charge.allowed and charge.limit is None and charge.cost == 7


def test_a_cache_outage_serves_requests_and_says_so_in_the_log(monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("cache is down")

    monkeypatch.setattr(cache, "add", down)
    with caplog.at_level("WARNING", logger="catalog.budget"):
        charge = budget.charge("anon", "a", 1, rate=Rate(1, 60))
    assert charge.allowed
    assert "not counted" in caplog.text


def test_signed_in_users_are_counted_as_themselves_others_by_address(alice):
    from django.contrib.auth.models import AnonymousUser

    assert budget.request_identity(alice, "192.0.2.9") == ("user", f"user:{alice.pk}")
    assert budget.request_identity(AnonymousUser(), "192.0.2.9") == ("anon", "addr:192.0.2.9")
