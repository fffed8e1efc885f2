from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.book_list_page, name="book-list"),
    path("books/<int:book_id>/", views.book_detail_page, name="book-detail"),
]
