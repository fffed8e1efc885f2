from django.urls import include, path

from . import load_views, views

app_name = "workshop"
urlpatterns = [
    path("", views.compare_page, name="compare"),
    path("run/", views.compare_run, name="compare-run"),
    path("screens/", views.screens_page, name="screens"),
    path("experiment/", include("workshop.experiment_urls")),
    path("load/", load_views.load_page, name="load"),
]
