from django.urls import path

from . import views

app_name = "sensing"
urlpatterns = [
    path("", views.site_list, name="sites"),
    path("sites/<slug:code>/", views.site_detail, name="site"),
    path("alarms/<int:pk>/ack", views.ack, name="ack"),
    path("ingest", views.ingest, name="ingest"),
]
