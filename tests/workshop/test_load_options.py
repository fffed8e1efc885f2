"""`manage.py compare --load`: what it accepts, and the clear errors for what it does not."""

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.live_gunicorn import ROOT, free_port
from workshop.load import LoadError, choose_scenarios, loopback_url, parse_levels
from workshop.registry import load_scenarios


def test_levels_are_whole_numbers_ascending_without_repeats():
    assert parse_levels("1,4,16,64") == (1, 4, 16, 64)
    assert parse_levels(" 16, 1 ,4,16") == (1, 4, 16)
    assert parse_levels("256") == (256,)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "between 1 and 256, not 0"),
        ("4,-2", "between 1 and 256, not -2"),
        ("257", "between 1 and 256, not 257"),
        ("1,four", "whole numbers separated by commas"),
        ("2.5", "not '2.5'"),
        ("", "whole numbers"),
        ("1,,4", "whole numbers"),
    ],
)
def test_bad_levels_say_what_is_wrong(text, message):
    with pytest.raises(LoadError, match=message):
        parse_levels(text)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000", "http://localhost:8000/", "http://[::1]:8000", "http://127.3.4.5", "https://127.0.0.1"],
)
def test_a_server_on_this_machine_is_a_target(url):
    assert loopback_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com:8000", "only goes to a server on this machine"),
        ("http://10.0.0.7:8000", "not 10.0.0.7"),
        ("http://0.0.0.0:8000", "not 0.0.0.0"),
        ("http://127.0.0.1.example.com", "only goes to a server on this machine"),
        ("ftp://127.0.0.1", "must look like http://127.0.0.1:8000"),
        ("127.0.0.1:8000", "must look like"),
        ("http://127.0.0.1:80x", "malformed port"),
        ("http://127.0.0.1:8000/?a=1", "no query"),
    ],
)
def test_any_other_target_is_refused(url, message):
    with pytest.raises(LoadError, match=message):
        loopback_url(url)


def test_the_default_scenarios_are_those_that_only_read():
    registry = load_scenarios()
    chosen = [s.slug for s in choose_scenarios(registry, [])]
    assert "books-first-page" in chosen and "cached-reads" in chosen
    assert not {"cart-round-trip", "checkout", "out-of-stock"} & set(chosen)
    assert [s.slug for s in choose_scenarios(registry, ["author-page", "author-page"])] == ["author-page"]


def test_a_scenario_acting_on_a_cart_is_refused_with_the_reason():
    with pytest.raises(LoadError, match=r"checkout: these act on one demo user's cart.*books-first-page"):
        choose_scenarios(load_scenarios(), ["books-first-page", "checkout"])


def load(*args) -> str:
    out = StringIO()
    call_command("compare", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--load", "0"], "between 1 and 256, not 0"),
        (["--load", "1,x"], "whole numbers"),
        (["--load", "1", "no-such-thing"], "Unknown scenario"),
        (["--load", "1", "cart-round-trip"], "act on one demo user's cart"),
        (["--load", "1", "--base-url", "http://192.0.2.1:8000"], "only goes to a server on this machine"),
        (["--load", "1", "--duration", "0"], "--duration must be between 0.1 and 120"),
        (["--load", "1", "--duration", "500"], "--duration must be between"),
        (["--load", "1", "--timeout", "-1"], "--timeout must be between"),
        (["--load", "1", "--max-requests", "0"], "--max-requests must be between"),
        (["--load", "1", "--chart", "chart.png"], "--chart writes an SVG file"),
        (["--load", "1", "--chart", "/no/such/folder/chart.svg"], "in a folder that exists"),
        (["--load", "1", "--no-optimize"], "--no-optimize is for a single run"),
        (["--load", "1,4", "--duration", "60", "--max-total", "100"], r"is 1200 s, over --max-total 100 s"),
        (["books-first-page", "--duration", "3"], "--duration only apply to a load run"),
        (["--chart", "x.svg", "--timeout", "2"], "--timeout, --chart only apply to a load run"),
    ],
)
def test_bad_options_are_clear_errors(db, args, message):
    with pytest.raises(CommandError, match=message):
        load(*args)


def test_no_server_is_a_clear_error(db):
    port = free_port()  # nothing listens there
    with pytest.raises(CommandError, match=rf"cannot reach http://127.0.0.1:{port} .*start the server"):
        load("--load", "1", "--duration", "0.2", "books-first-page", "--base-url", f"http://127.0.0.1:{port}")


def test_from_the_shell_an_error_exits_non_zero_without_a_traceback():
    port = free_port()
    finished = subprocess.run(
        [sys.executable, "manage.py", "compare", "--load", "1", "--base-url", f"http://127.0.0.1:{port}"],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 1
    assert "cannot reach" in finished.stderr
    assert "Traceback" not in finished.stderr
