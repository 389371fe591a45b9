from django.urls import path

from finegrid.core.framed import framed_not_found as framed

from . import views

app_name = "disputes"
urlpatterns = [
    path("", framed(views.desk), name="desk"),
    path("register/", framed(views.register_list), name="list"),
    path("new/", framed(views.new), name="new"),
    path("<int:pk>/", framed(views.detail), name="detail"),
    path("<int:pk>/act/<slug:action>/", framed(views.act), name="act"),
    path("<int:pk>/files/<int:file_pk>/", framed(views.agreement_file), name="file"),
]
