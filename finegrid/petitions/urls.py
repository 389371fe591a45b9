from django.urls import path

from finegrid.core.framed import framed_not_found as framed

from . import hotline, rules_page, views

app_name = "petitions"
urlpatterns = [
    path("", framed(views.desk), name="desk"),
    path("inbox/", framed(views.inbox), name="inbox"),
    path("track/", framed(views.track), name="track"),
    path("export.xlsx", framed(views.export), name="export"),
    path("reception/", framed(views.reception), name="reception"),
    path("rules/", framed(rules_page.limit_rules), name="rules"),
    path("from-hotline/", framed(hotline.from_hotline), name="from_hotline"),
    path("from-case/<str:ticket>/", framed(hotline.from_case), name="from_case"),
    path("leader-cases/", framed(views.leader_cases), name="leader_cases"),
    path("leader-cases/<int:pk>/<str:action>/", framed(views.leader_case_act), name="leader_case_act"),
    path("links/<int:pk>/<str:decision>/", framed(views.decide_link), name="decide_link"),
    path("<str:number>/", framed(views.petition), name="petition"),
    path("<str:number>/act/<str:action>/", framed(views.act), name="act"),
    path("<str:number>/charge/", framed(views.take_charge), name="take_charge"),
    path("<str:number>/documents/<int:seq>.docx", framed(views.document), name="document"),
]
