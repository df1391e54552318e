from django.urls import path

from . import views

_P = "organise/petitions/<int:number>/paper/"

urlpatterns = [
    # Public contract: printed links point here.
    path("petitions/<int:number>/sheet.pdf", views.sheet_pdf, name="sheet_pdf"),
    # Staff.
    path(_P, views.paper_home, name="paper_home"),
    path(_P + "issue", views.issue, name="paper_issue"),
    path(_P + "sheets/<int:first>-<int:last>/", views.batch, name="paper_batch"),
    path(_P + "returns/", views.returns, name="paper_returns"),
    path(_P + "returns/photo", views.read_photo, name="paper_read_photo"),
    path(_P + "returns/tally", views.fix_tally, name="paper_fix_tally"),
    path(_P + "sheets/find", views.find_sheet, name="paper_find_sheet"),
    path(_P + "sheets/<str:serial>/", views.transcribe, name="paper_transcribe"),
    path(_P + "sheets/<str:serial>/rows/<int:row>", views.save_row, name="paper_save_row"),
    path(_P + "sheets/<str:serial>/rows/<int:row>/undo", views.undo_row, name="paper_undo_row"),
    path(_P + "sheets/<str:serial>/complete", views.complete, name="paper_complete"),
    path(_P + "sheets/<str:serial>/reopen", views.reopen, name="paper_reopen"),
    path(_P + "scans/", views.scans, name="paper_scans"),
    path(_P + "scans/<int:pk>.png", views.scan_image, name="paper_scan_image"),
    path(_P + "scans/<int:pk>/assign", views.assign_scan, name="paper_assign_scan"),
    path(_P + "scans/<int:pk>/", views.scan_detail, name="paper_scan"),
    path(_P + "scans/<int:pk>/rows/<int:row>.png", views.scan_row, name="paper_scan_row"),
]
