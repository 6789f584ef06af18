"""Root URL map. Each app brings its own urls module with an app_name (namespace)."""

from django.contrib import admin
from django.urls import include, path

from highneeds.web.accounts.views import AdminSignInView
from highneeds.web.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("status", core_views.status, name="status"),
    path("accounts/", include("highneeds.web.accounts.urls")),
    path("workspaces/", include("highneeds.web.workspace.urls")),
    path("", include("highneeds.web.consultations.urls")),
    path("", include("highneeds.web.consult_analysis.urls")),
    # One door: the admin's sign-in is the workspace's (throttled, audited, second factor).
    path("django-admin/login/", AdminSignInView.as_view(), name="admin_login"),
    path("django-admin/", admin.site.urls),
]
