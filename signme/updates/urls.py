from django.urls import path

from . import views

urlpatterns = [
    path("organise/petitions/<int:number>/emails/", views.campaign_list, name="campaigns"),
    path("organise/petitions/<int:number>/emails/new", views.campaign_write, name="campaign_new"),
    path(
        "organise/petitions/<int:number>/emails/<int:pk>/",
        views.campaign_detail,
        name="campaign",
    ),
    path(
        "organise/petitions/<int:number>/emails/<int:pk>/edit",
        views.campaign_write,
        name="campaign_edit",
    ),
    path(
        "organise/petitions/<int:number>/emails/<int:pk>/test",
        views.campaign_test,
        name="campaign_test",
    ),
    path(
        "organise/petitions/<int:number>/emails/<int:pk>/send",
        views.campaign_send,
        name="campaign_send",
    ),
]
