"""Login attempts are limited per account and per client address, on every sign-in path.

``LoginBudgetBackend`` is Django's model backend that first charges the budgets, so every
call of ``authenticate()`` is counted before a password is checked: the REST token
endpoint, GraphQL's ``tokenCreate`` (each alias of it), the browsable API's and the admin's
login forms, and any path added later. An attempt over either budget raises ``Throttled``,
which every adapter answers with 429 and ``Retry-After``; the password is not even tried.
"""

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from . import budget
from .clients import client_address, current_client_address
from .errors import Throttled

_MAX_ACCOUNT_KEY = 150


def account_key(username: str) -> str:
    # Case and surrounding blanks do not make a new account to guess at.
    return username.strip().casefold()[:_MAX_ACCOUNT_KEY]


def login_attempt(*, username: str, address: str) -> None:
    """Charge one login attempt for ``username`` from ``address``; raise Throttled when over either budget."""
    refusals = [
        charge
        for charge in (
            budget.charge("login", f"account:{account_key(username)}"),
            budget.charge("login_address", f"addr:{address}"),
        )
        if not charge.allowed
    ]
    if refusals:
        raise Throttled(
            "Too many sign-in attempts; try again later.",
            retry_after=max(charge.retry_after for charge in refusals),
        )


class LoginBudgetBackend(ModelBackend):
    """The model backend, charging the login budgets before it checks a password."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password=None, **kwargs):
        if username is None or password is None:
            return None
        address = client_address(request) if request is not None else current_client_address()
        login_attempt(username=str(username), address=address or "unknown")
        return super().authenticate(request, username=username, password=password, **kwargs)
