from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/code/", views.SecondFactorView.as_view(), name="second_factor"),
    path("two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
]
