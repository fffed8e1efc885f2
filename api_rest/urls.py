from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views
from .errors import unknown_path

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="api-root"),
    path("books/", views.BooksView.as_view(), name="api-books"),
    path("books/<int:book_id>/", views.BookView.as_view(), name="api-book"),
    path("authors/", views.AuthorsView.as_view(), name="api-authors"),
    path("authors/<int:author_id>/", views.AuthorView.as_view(), name="api-author"),
    path("cart/", views.CartView.as_view(), name="api-cart"),
    path("cart/items/", views.CartItemAddView.as_view(), name="api-cart-items"),
    path("cart/items/<int:item_id>/", views.CartItemView.as_view(), name="api-cart-item"),
    path("cart/checkout/", views.CheckoutView.as_view(), name="api-checkout"),
    path("orders/", views.OrderListView.as_view(), name="api-orders"),
    path("orders/<int:order_id>/", views.OrderGetView.as_view(), name="api-order"),
    path("auth/token/", views.TokenCreateView.as_view(), name="api-token"),
    # Session sign-in for the browsable API (login/ and logout/).
    path("auth/", include("rest_framework.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api_rest/redoc.html"),
        name="api-redoc",
    ),
    # Any other path, newlines and all (`.` alone stops at a newline): a JSON 404.
    re_path(r"^[\s\S]*$", unknown_path),
]
