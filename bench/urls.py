from django.urls import path

from config.urls import urlpatterns as product_urlpatterns

from . import baseline

urlpatterns = [
    path("bench/baseline/books/", baseline.book_page),
    path("bench/baseline/books/<int:book_id>/", baseline.book_detail),
    path("bench/baseline/cart/", baseline.cart),
    *product_urlpatterns,
]
