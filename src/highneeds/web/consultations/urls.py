"""Public consultation pages (/consult/...) and staff pages (/workspaces/<la>/consultations/...)."""

from django.urls import path

from . import views_public as public
from . import views_staff as staff

app_name = "consultations"

_V = "consult/<slug:slug>/<str:version_slug>"
_S = "workspaces/<str:la_code>/consultations"

urlpatterns = [
    path("consult/<slug:slug>/", public.start, name="start"),
    path("consult/<slug:slug>/privacy/", public.privacy, name="privacy"),
    path("consult/<slug:slug>/resume/", public.resume, name="resume"),
    path("consult/<slug:slug>/resume/<str:token>/", public.resume_link, name="resume_link"),
    path(f"{_V}/", public.start, name="start"),
    path(f"{_V}/about-you/", public.about, name="about"),
    path(f"{_V}/area/<int:position>/", public.area, name="area"),
    path(f"{_V}/equality/", public.equality, name="equality"),
    path(f"{_V}/check-your-answers/", public.check, name="check"),
    path(f"{_V}/confirmation/", public.confirmation, name="confirmation"),
    path(f"{_V}/save/", public.save, name="save"),
    path(f"{_V}/saved/", public.saved, name="saved"),
    path(f"{_S}/", staff.consultation_list, name="list"),
    path(f"{_S}/new/", staff.consultation_create, name="create"),
    path(f"{_S}/<int:pk>/", staff.consultation_detail, name="detail"),
    path(f"{_S}/<int:pk>/edit/", staff.consultation_edit, name="edit"),
    path(f"{_S}/<int:pk>/publish/", staff.publish, name="publish"),
    path(f"{_S}/<int:pk>/links/new/", staff.link_add, name="link_add"),
    path(f"{_S}/<int:pk>/areas/new/", staff.area_edit, name="area_add"),
    path(f"{_S}/<int:pk>/areas/<int:area_pk>/", staff.area_edit, name="area_edit"),
    path(f"{_S}/<int:pk>/areas/<int:area_pk>/delete/", staff.area_delete, name="area_delete"),
    path(
        f"{_S}/<int:pk>/areas/<int:area_pk>/proposals/new/",
        staff.proposal_edit,
        name="proposal_add",
    ),
    path(
        f"{_S}/<int:pk>/areas/<int:area_pk>/proposals/<int:proposal_pk>/",
        staff.proposal_edit,
        name="proposal_edit",
    ),
    path(
        f"{_S}/<int:pk>/areas/<int:area_pk>/proposals/<int:proposal_pk>/delete/",
        staff.proposal_delete,
        name="proposal_delete",
    ),
    path(f"{_S}/<int:pk>/responses/", staff.responses, name="responses"),
    path(f"{_S}/<int:pk>/responses/new/", staff.response_enter, name="enter"),
    path(
        f"{_S}/<int:pk>/responses/<str:reference>/", staff.response_detail, name="response_detail"
    ),
    path(f"{_S}/<int:pk>/moderation/", staff.moderation, name="moderation"),
    path(f"{_S}/<int:pk>/moderation/<int:answer_pk>/", staff.moderate, name="moderate"),
    path(f"{_S}/<int:pk>/erase/", staff.erase, name="erase"),
    path(f"{_S}/<int:pk>/export/", staff.export, name="export"),
]
