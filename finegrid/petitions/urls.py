from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("inbox/", views.inbox, name="inbox"),
    path("track/", views.track, name="track"),
    path("export.xlsx", views.export, name="export"),
    path("reception/", views.reception, name="reception"),
    path("leader-cases/", views.leader_cases, name="leader_cases"),
    path("leader-cases/<int:pk>/<str:action>/", views.leader_case_act, name="leader_case_act"),
    path("links/<int:pk>/<str:decision>/", views.decide_link, name="decide_link"),
    path("<str:number>/", views.petition, name="petition"),
    path("<str:number>/act/<str:action>/", views.act, name="act"),
    path("<str:number>/charge/", views.take_charge, name="take_charge"),
    path("<str:number>/documents/<int:seq>.docx", views.document, name="document"),
]
