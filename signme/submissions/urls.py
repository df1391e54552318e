from django.urls import path

from . import views

urlpatterns = [
    path("organise/targets/", views.targets, name="organise_targets"),
    path("organise/targets/<int:pk>/", views.target_scheme, name="organise_target"),
    path("organise/targets/<int:pk>/preset", views.target_preset, name="organise_target_preset"),
    path("organise/targets/<int:pk>/copy", views.target_copy, name="organise_target_copy"),
    path(
        "organise/petitions/<int:number>/paper-columns",
        views.paper_columns,
        name="organise_paper_columns",
    ),
    path(
        "organise/petitions/<int:number>/submissions",
        views.make_submission,
        name="organise_make_submission",
    ),
    path(
        "organise/petitions/<int:number>/submissions/<int:pk>/<str:kind>",
        views.submission_file,
        name="organise_submission_file",
    ),
    path("organise/petitions/<int:number>/outcome", views.outcome, name="organise_outcome"),
    path(
        "organise/petitions/<int:number>/outcome/tell",
        views.tell_signers_outcome,
        name="organise_tell_outcome",
    ),
]
