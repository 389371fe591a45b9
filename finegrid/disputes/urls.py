from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("register/", views.register_list, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/files/<int:file_pk>/", views.agreement_file, name="file"),
]
