from django.urls import path

from . import views

urlpatterns = [
    path(
        "organise/petitions/<int:number>/invalidate",
        views.invalidate_page,
        name="invalidate",
    ),
    path(
        "organise/petitions/<int:number>/invalidations/<int:pk>/undo",
        views.undo_invalidation,
        name="invalidation_undo",
    ),
    path("organise/petitions/<int:number>/trending", views.trending, name="trending"),
    path("organise/petitions/<int:number>/review", views.review, name="review"),
    path(
        "organise/petitions/<int:number>/review/<int:pk>/count",
        views.review_count,
        name="review_count",
    ),
    path(
        "organise/petitions/<int:number>/review/<int:pk>/invalidate",
        views.review_invalidate,
        name="review_invalidate",
    ),
]
