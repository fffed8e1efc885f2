from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/", include("api_rest.urls")),
    path("graphql/", include("api_graphql.urls")),
    path("compare/", include("workshop.urls")),
    path("", include("catalog.urls")),
]
