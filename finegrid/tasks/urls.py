from django.urls import path

from . import cadres, views

app_name = "tasks"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("inbox/", views.inbox, name="inbox"),
    path("<int:pk>/", views.task_detail, name="task"),
    path("<int:pk>/act/", views.act, name="act"),
    path("documents/<int:pk>/issue/", views.issue_document, name="issue"),
    path("instructions/", views.new_instruction, name="instruction"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/new/", views.new_problem, name="new_problem"),
    path("ledger/<int:pk>/", views.problem_detail, name="problem"),
    path("report/", views.monthly_report, name="report"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("cadres/<int:user_id>/", cadres.cadre, name="cadre"),
    path("cadres/<int:user_id>/records/", cadres.new_record, name="cadre_record"),
    path("cadres/<int:user_id>/files/<int:pk>/", cadres.record_file, name="cadre_file"),
    path("competence/", cadres.competence, name="competence"),
    path("figures/", views.figures, name="figures"),
]
