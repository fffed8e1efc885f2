"""A schemathesis check for the GraphQL run: a server error is a 5xx or an error coded `server_error`.

schemathesis takes any error with a `path` for a server error unless its `extensions.code`
is Apollo's or graphql-java's (`BAD_USER_INPUT`, ...). This API's errors carry catalogue codes
(`not_found`, `invalid`, `invalid_characters`, ...), and only `server_error` (an unexpected
exception) and `service_unavailable` (the database is down) say the server failed.
"""

import schemathesis

SERVER_CODES = {"server_error", "service_unavailable"}


@schemathesis.check
def graphql_catalogue_server_error(ctx, response, case):
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}")
    try:
        payload = response.json()
    except ValueError:
        raise AssertionError("The response is not JSON") from None
    errors = payload.get("errors") if isinstance(payload, dict) else None
    for error in errors or []:
        code = (error.get("extensions") or {}).get("code")
        if not code:
            raise AssertionError(f"An error without a code: {error.get('message')}")
        if code in SERVER_CODES:
            raise AssertionError(f"{code}: {error.get('message')}")
    return None
