"""Intake's addresses: Open311 for apps, the resident pages, the grid workers' patrol page."""

from django.urls import include, path

from . import mapview, pages, patrol

urlpatterns = [
    path("open311/v2/", include("finegrid.intake.open311.urls")),
    path("report/", pages.report, name="intake-report"),
    path("report/places/", mapview.places, name="intake-places"),  # the address search that moves the pin
    path("report/suggest/", pages.suggest, name="intake-suggest"),
    path("report/held/<str:name>/", pages.held_photo, name="intake-held-photo"),
    path("report/<str:ticket>/received/", pages.reported, name="intake-reported"),
    path("track/", pages.track, name="intake-track"),
    path("track/<str:ticket>/", pages.case_page, name="intake-case"),
    path("track/<str:ticket>/photos/<int:pk>/", pages.case_photo, name="intake-case-photo"),
    path("patrol/", patrol.page, name="intake-patrol"),
    path("patrol/reports/", patrol.report, name="intake-patrol-report"),
    path("patrol/tasks/<str:ticket>/", patrol.task, name="intake-patrol-task"),
]
