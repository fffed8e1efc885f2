"""CSRF failures: JSON for the JSON endpoints, Django's page for the website."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as html_csrf_failure

from catalog.errors import ErrorCode, ErrorItem, error_body

JSON_PREFIXES = ("/api/", "/graphql/", "/compare/run/")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.path.startswith(JSON_PREFIXES) or wants_json:
        message = f"CSRF verification failed: {reason} Send the csrftoken cookie's value in X-CSRFToken."
        return JsonResponse(error_body([ErrorItem(None, ErrorCode.PERMISSION_DENIED, message)]), status=403)
    return html_csrf_failure(request, reason)
