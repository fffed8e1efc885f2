from django.urls import path

from . import experiment_views as views

app_name = "experiment"
urlpatterns = [
    path("", views.home, name="home"),
    path("open/", views.open_run, name="open"),
    path("<str:code>/", views.participant_page, name="participant"),
    path("<str:code>/join/", views.join, name="join"),
    path("<str:code>/answer/", views.answer, name="answer"),
    path("<str:code>/skip/", views.skip, name="skip"),
    path("<str:code>/results/", views.results, name="results"),
    path("<str:code>/results.csv", views.results_download, name="results-csv"),
    path("<str:code>/state/", views.run_state, name="state"),
]
