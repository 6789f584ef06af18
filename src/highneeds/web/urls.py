"""Root URL map. Each app brings its own urls module with an app_name (namespace)."""

from django.contrib import admin
from django.urls import include, path

from highneeds.web.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("status", core_views.status, name="status"),
    path("accounts/", include("highneeds.web.accounts.urls")),
    path("workspaces/", include("highneeds.web.workspace.urls")),
    path("", include("highneeds.web.consultations.urls")),
    path("", include("highneeds.web.consult_analysis.urls")),
    path("django-admin/", admin.site.urls),
]
