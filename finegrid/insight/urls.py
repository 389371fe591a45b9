from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [path("hot-issues/", views.hot_issues, name="hot-issues")]
