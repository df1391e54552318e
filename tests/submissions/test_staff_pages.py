import hashlib

from signme.audit.models import AuditEvent
from signme.petitions.models import PaperColumns, Target, Threshold
from signme.submissions import submitting
from signme.submissions.models import Submission

from .conftest import add_signature

PAGE = "/organise/petitions/1500/"


def login(client, user):
    client.force_login(user)
    return client


def test_petition_page_shows_the_scheme_thresholds_and_compliance_warnings(client, organiser):
    html = login(client, organiser).get(PAGE).content.decode()
    assert "Norfolk County Council's petition scheme" in html
    assert "4,501</strong>: it is debated at a meeting of Full Council" in html
    assert "not meet Norfolk County Council's scheme or the law" in html
    assert "20 signatures" in html


def test_petition_page_warns_below_the_minimum_before_a_pack_is_made(client, organiser):
    html = login(client, organiser).get(PAGE).content.decode()
    assert "0 signatures are below Norfolk County Council's minimum of 20" in html


def test_the_minimum_warning_reads_correctly_for_one_signature(client, organiser, petition):
    add_signature(petition, 0)
    html = login(client, organiser).get(PAGE).content.decode()
    assert "1 signature is below Norfolk County Council's minimum of 20" in html


def test_organiser_makes_a_pack_and_downloads_files_that_match_the_record(
    client, organiser, petition
):
    for i in range(3):
        add_signature(petition, i)
    response = login(client, organiser).post(PAGE + "submissions")
    assert response.status_code == 303
    submission = Submission.objects.get()
    assert submission.status == "ready" and submission.made_by == organiser
    assert submission.below_minimum
    html = client.get(PAGE).content.decode()
    assert submission.pdf_sha256 in html
    pdf = client.get(f"{PAGE}submissions/{submission.pk}/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == submission.pdf_sha256
    csv = b"".join(client.get(f"{PAGE}submissions/{submission.pk}/csv").streaming_content)
    assert hashlib.sha256(csv).hexdigest() == submission.csv_sha256
    manifest = b"".join(
        client.get(f"{PAGE}submissions/{submission.pk}/manifest").streaming_content
    ).decode()
    assert f"{submission.pdf_sha256}  petition-1500-signatories.pdf" in manifest
    actions = list(AuditEvent.objects.order_by("at", "id").values_list("action", flat=True))
    assert actions == ["submit", "export", "export"]


def test_a_big_pack_is_made_by_the_worker(client, organiser, petition, monkeypatch):
    monkeypatch.setattr(submitting, "INLINE_LIMIT", 0)
    add_signature(petition, 1)
    login(client, organiser).post(PAGE + "submissions")
    submission = Submission.objects.get()
    assert submission.status == "queued"
    assert "Being made" in client.get(PAGE).content.decode()
    assert submitting.build_queued_submissions() == 1
    assert submitting.build_queued_submissions() == 0
    submission.refresh_from_db()
    assert submission.status == "ready" and submission.online == 1


def test_volunteers_and_outsiders_get_404_for_packs_and_scheme_pages(
    client, volunteer, outsider, petition
):
    add_signature(petition, 1)
    submitting.request_pack(petition, None)
    submission = Submission.objects.get()
    for user in (volunteer, outsider):
        login(client, user)
        assert client.post(PAGE + "submissions").status_code == 404
        assert client.get(f"{PAGE}submissions/{submission.pk}/pdf").status_code == 404
        assert client.get(PAGE + "outcome").status_code == 404
        assert client.get(PAGE + "paper-columns").status_code == 404
    assert client.get(f"/organise/targets/{petition.target.pk}/").status_code == 404
    assert Submission.objects.count() == 1


def test_organiser_edits_the_scheme_and_its_thresholds(client, organiser, petition):
    target = petition.target
    t20, t4501 = target.thresholds.all()
    data = {
        "scheme-name": "Norfolk County Council",
        "scheme-address": "County Hall, Norwich, NR1 2DH",
        "scheme-requires_name": "on",
        "scheme-requires_address": "on",
        "scheme-requires_email": "on",
        "scheme-eligibility_question": "Do you live in Norfolk?",
        "scheme-eligible_postcode_areas": "nr; ip",
        "scheme-minimum_signatures": "25",
        "scheme-how_to_submit": "By hand.",
        "scheme-submit_by_email": "",
        "scheme-scheme_url": "https://www.norfolk.gov.uk/petitions",
        "scheme-scheme_checked_on": "2026-11-20",
        "thresholds-TOTAL_FORMS": "3",
        "thresholds-INITIAL_FORMS": "2",
        "thresholds-0-id": str(t20.pk),
        "thresholds-0-count": "25",
        "thresholds-0-triggers": "the council responds",
        "thresholds-1-id": str(t4501.pk),
        "thresholds-1-count": "4501",
        "thresholds-1-triggers": "debate",
        "thresholds-1-DELETE": "on",
        "thresholds-2-count": "10000",
        "thresholds-2-triggers": "a committee hearing",
    }
    response = login(client, organiser).post(f"/organise/targets/{target.pk}/", data)
    assert response.status_code == 303
    target.refresh_from_db()
    assert target.minimum_signatures == 25 and not target.requires_postcode
    assert target.eligible_postcode_areas == "NR, IP"
    assert list(Threshold.objects.filter(target=target).values_list("count", "triggers")) == [
        (25, "the council responds"),
        (10000, "a committee hearing"),
    ]
    # The public page shows the change at once.
    assert "a committee hearing" in client.get("/petitions/1500/").content.decode()


def test_bad_scheme_input_shows_linked_errors_and_changes_nothing(client, organiser, petition):
    target = petition.target
    before = Target.objects.filter(pk=target.pk).values().get()
    data = {
        "scheme-name": "",
        "scheme-minimum_signatures": "twenty",
        "scheme-eligible_postcode_areas": "NR, 12",
        "scheme-scheme_url": "not a url",
        "thresholds-TOTAL_FORMS": "0",
        "thresholds-INITIAL_FORMS": "0",
    }
    response = login(client, organiser).post(f"/organise/targets/{target.pk}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_scheme-name">Enter the name of the body petitioned</a>' in html
    assert "Enter the minimum as a whole number, like 20" in html
    assert "“12” is not a postcode area or district" in html
    assert Target.objects.filter(pk=target.pk).values().get() == before


def test_organiser_loads_a_preset_from_the_scheme_page(client, organiser, petition):
    url = f"/organise/targets/{petition.target.pk}/preset"
    response = login(client, organiser).post(url, {"preset": "south-norfolk-council"})
    assert response.status_code == 303
    petition.target.refresh_from_db()
    assert petition.target.minimum_signatures == 10
    bad = client.post(url, {"preset": "nowhere"})
    assert bad.status_code == 400
    assert "Choose one of the presets listed" in bad.content.decode()
    petition.target.refresh_from_db()
    assert petition.target.preset == "south-norfolk-council"


def test_organiser_records_the_sheets_columns_and_the_warning_goes(client, organiser, petition):
    login(client, organiser)
    data = {"name": "on", "address": "on", "postcode": "on", "signature": "on"}
    assert client.post(PAGE + "paper-columns", data).status_code == 303
    columns = PaperColumns.objects.get(petition=petition)
    assert columns.address and not columns.email
    edit = client.get(PAGE + "edit").content.decode()
    assert 'data-code="sheet_lacks_address"' not in edit
