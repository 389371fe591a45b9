from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from finegrid.cases import api as cases_api
from finegrid.console.forms import LockoutAuthenticationForm
from finegrid.core import views as core_views
from finegrid.console.views import grid_pages as grid_views

urlpatterns = [
    path("", grid_views.home, name="home"),
    path("regions/<str:code>/", grid_views.region, name="region"),
    path("grids/<str:code>/", grid_views.grid, name="grid"),
    path("health", core_views.health, name="health"),
    # Browsers ask for /favicon.ico whatever the page says (a JSON answer, a file): one icon for all.
    path("favicon.ico", RedirectView.as_view(url=static("console/favicon.svg"), permanent=True), name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LockoutAuthenticationForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", cases_api.urls()),
    path("sensing/", include("finegrid.sensing.urls")),
    path("insight/", include("finegrid.insight.urls")),
    path("disputes/", include("finegrid.disputes.urls")),
    path("tasks/", include("finegrid.tasks.urls")),
    path("", include("finegrid.intake.urls")),
    path("console/", include("finegrid.console.urls")),
    path("petitions/", include("finegrid.petitions.urls")),
]
