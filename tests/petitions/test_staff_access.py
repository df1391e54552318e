"""Staff see only their own organisation's petitions; everyone else gets 404."""


def test_organiser_sees_their_petition(client, organiser):
    client.force_login(organiser)
    response = client.get("/organise/petitions/1500/")
    assert response.status_code == 200
    assert "Stop the Closure" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_outsider_gets_404_for_another_organisations_petition(client, outsider):
    client.force_login(outsider)
    assert client.get("/organise/petitions/1500/").status_code == 404
    assert client.get("/organise/petitions/77/").status_code == 200
    assert "Stop the Closure" not in client.get("/organise/").content.decode()


def test_volunteer_sees_only_the_petitions_they_were_given(client, volunteer, outsider):
    client.force_login(volunteer)
    assert client.get("/organise/petitions/1500/").status_code == 200
    assert client.get("/organise/petitions/77/").status_code == 404


def test_the_organiser_dashboard_links_to_requests_audit_and_targets(client, organiser):
    client.force_login(organiser)
    html = client.get("/organise/").content.decode()
    for url in ("/organise/requests/", "/organise/audit/", "/organise/targets/"):
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200


def test_a_volunteers_dashboard_offers_no_organiser_only_pages(client, volunteer):
    client.force_login(volunteer)
    html = client.get("/organise/").content.decode()
    assert "Stop the Closure" in html
    assert "/organise/requests/" not in html and "/organise/audit/" not in html


def test_anonymous_visitor_is_sent_to_sign_in(client, petition):
    response = client.get("/organise/petitions/1500/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_admin_lists_only_own_organisations_petitions(client, organiser, outsider):
    client.force_login(organiser)
    html = client.get("/admin/petitions/petition/").content.decode()
    assert "Stop the Closure" in html and "Other" not in html


def test_a_volunteer_gets_404_for_requests_audit_and_targets(client, volunteer):
    # These pages cover a whole organisation; a volunteer sees only their rows.
    client.force_login(volunteer)
    for url in ("/organise/requests/", "/organise/audit/", "/organise/targets/"):
        assert client.get(url).status_code == 404, url
