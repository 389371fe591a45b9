"""Intake's addresses: Open311 for apps, the resident pages, the grid workers' patrol page."""

from django.urls import include, path

urlpatterns = [
    path("open311/v2/", include("finegrid.intake.open311.urls")),
]
