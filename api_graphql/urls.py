from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from .schema import schema
from .views import CatalogGraphQLView

# CSRF is checked by the session authentication in the view (as in DRF), so token clients need none.
urlpatterns = [
    path("", csrf_exempt(CatalogGraphQLView.as_view(schema=schema)), name="graphql"),
]
