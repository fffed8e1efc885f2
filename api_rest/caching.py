"""Which REST requests are catalog reads (catalog.read_cache): GETs of books and authors, as JSON."""

import re

from django.http import HttpRequest

from catalog.read_cache import SAFE_METHODS, CatalogRead

CATALOG_PATHS = re.compile(r"^/api/(?:books|authors)/(?:\d+/)?$")


def catalog_read(request: HttpRequest) -> CatalogRead | None:
    if request.method not in SAFE_METHODS or not CATALOG_PATHS.match(request.path_info):
        return None
    requested = request.GET.get("format")
    if requested is None:
        # The browsable API's pages carry the signed-in user and forms: only JSON answers are shared.
        if request.get_preferred_type(["application/json", "text/html"]) != "application/json":
            return None
    elif requested != "json":
        return None
    # The whole URL, as given: next/previous links repeat its host, scheme and parameter order,
    # and `?fields=` makes another answer (a sparse one is never served for a full one).
    return CatalogRead(key=f"rest|{request.build_absolute_uri()}", style="rest")
