"""The REST side of the one API budget (catalog.budget): a request costs one.

The client is the signed-in user, else the client address as the trusted-proxy rule
resolves it (catalog.clients), never a header the client chose. GraphQL charges the same
budget by the computed cost of each document.
"""

from rest_framework.throttling import BaseThrottle

from catalog import budget
from catalog.clients import client_address


class ApiBudgetThrottle(BaseThrottle):
    cost = 1

    def allow_request(self, request, view) -> bool:
        self.charge = getattr(request._request, "budget_charge", None)  # charged on the way in (config/read_cache.py)
        if self.charge is None:
            scope, identity = budget.request_identity(request.user, client_address(request._request))
            self.charge = budget.charge(scope, identity, self.cost)
        return self.charge.allowed

    def wait(self) -> float | None:
        return self.charge.retry_after
