from django.urls import path

from . import staff, views

urlpatterns = [
    # The public contract: printed in emails, never changed.
    path("unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
    path("your-data/", views.your_data, name="your_data"),
    path("your-data/sent", views.your_data_sent, name="your_data_sent"),
    path("your-data/paper", views.your_data_paper, name="your_data_paper"),
    path("your-data/paper-sent", views.your_data_paper_sent, name="your_data_paper_sent"),
    path("your-data/erased", views.your_data_erased, name="your_data_erased"),
    path("your-data/<str:token>", views.your_data_request, name="your_data_request"),
    path("your-data/<str:token>/data.json", views.your_data_download, name="your_data_download"),
    path("your-data/<str:token>/stop", views.your_data_stop, name="your_data_stop"),
    path(
        "your-data/<str:token>/stop-processing",
        views.your_data_stop_processing,
        name="your_data_stop_processing",
    ),
    path("your-data/<str:token>/erase", views.your_data_erase, name="your_data_erase"),
    # Staff.
    path("organise/requests/", staff.requests, name="rights_requests"),
    path("organise/requests/withdrawal", staff.signed_withdrawal, name="signed_withdrawal"),
    path("organise/requests/letter", staff.letter_request, name="letter_request"),
    path("organise/requests/<int:pk>/", staff.check_request, name="check_request"),
    path("organise/requests/<int:pk>/data.json", staff.request_data, name="request_data"),
    path("organise/audit/", staff.audit_log, name="audit_log"),
]
