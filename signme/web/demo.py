"""The demo: the reference sheet's organisation, target and petition 1500."""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from signme.petitions.models import (
    Membership,
    Organisation,
    PaperColumns,
    Petition,
    PrivacyNotice,
    Target,
    Threshold,
)

GROUP_OFFICE = (
    "Liberal Democrat Group Office, County Hall, Martineau Lane, Norwich, Norfolk, NR1 2DH"
)

BODY = """\
Conservative proposals to cut £5million from Children Services by seeking to close 46 of 53 Children Centres across Norfolk is wrong. It puts Children's futures at risk.

We believe that an adequately funded service that puts children first should be based on a comprehensive network of children's centres and open to all families who need it.

Having only one centre in each geographical area will mean people will have reduced access and be unable to receive the same level of service if they have to rely on public transport - how is one centre in Holt meant to serve all of a large rural area such as North Norfolk?

These proposals are irresponsible as these seek to add costs onto future provision and onto the NHS. It is just an attempt to get the costs out of the County Council's books. National evidence has shown that where Councils around the country are cutting back on spending on programmes for those most in need this is leading to MORE spending on emergency support.

Children centres provide a universal level of services that all parents and children can access. A 50% cut means that some services and some children will miss out especially if the council tries to target the service towards a limited number of families.

We call on the County Council to stop their proposals to close 46 of 53 Children Services across Norfolk and to rethink what the centres can provide so that their services can deliver better outcomes for all the Children of Norfolk.
"""

STATEMENT = (
    "stop their proposals to close 46 of 53 Children Services across Norfolk and to rethink "
    "what the centres can provide so that their services can deliver better outcomes for all "
    "the Children of Norfolk."
)

NOTICE = """\
If you add your details to this petition, the Liberal Democrats, locally and nationally, may use information in it, including your political views, to further our objectives, share it with our elected representatives and/or contact you in future using any of the means provided. Some contacts may be automated. You may opt out of some or all contacts or exercise your other legal rights by contacting us. Further details are in our Privacy Policy at norfolklibdemcountycouncillors.co.uk/en/privacy

We will include your name and address and signature (if applicable) when submitting the petition to Norfolk County Council."""

POLICY_URL = "https://norfolklibdemcountycouncillors.co.uk/en/privacy"


@transaction.atomic
def load_demo(username: str, password: str) -> Petition:
    org, _ = Organisation.objects.get_or_create(
        name="Norfolk County Council Liberal Democrat Group",
        defaults={
            "address": GROUP_OFFICE,
            "email": "office@example.org",
            "privacy_policy_url": POLICY_URL,
        },
    )
    target, created = Target.objects.get_or_create(
        name="Norfolk County Council",
        defaults={
            "address": "County Hall, Martineau Lane, Norwich, NR1 2DH",
            "requires_address": True,
            "requires_postcode": True,
            "requires_email": True,
            "eligibility_question": "Do you live, work or study in Norfolk?",
            "eligible_postcode_areas": "NR, IP, PE",
            "minimum_signatures": 20,
            "how_to_submit": "Hand in paper petitions at County Hall or email them to "
            "Democratic Services; the council acknowledges within 3 working days.",
            "scheme_url": "https://www.norfolk.gov.uk/what-we-do-and-how-we-work/"
            "councillors-meetings-decisions-and-elections/petitions",
            "scheme_checked_on": date(2026, 11, 1),
        },
    )
    if created:
        Threshold.objects.create(
            target=target, count=20, triggers="the council must accept and respond to it"
        )
        Threshold.objects.create(
            target=target, count=4501, triggers="it is debated at a meeting of Full Council"
        )
    petition, created = Petition.objects.get_or_create(
        number=1500,
        defaults={
            "organisation": org,
            "target": target,
            "title": "Stop the Closure of Norfolk Children Centres",
            "statement": STATEMENT,
            "body": BODY,
            "status": Petition.Status.OPEN,
            "opens_at": timezone.now(),
            "goal": 10000,
            "return_address": "Norfolk Liberal Democrats, " + GROUP_OFFICE,
            "promoter_name": "Steffan Aquarone",
            "promoter_address": GROUP_OFFICE,
            "on_behalf_of": "the Norfolk County Council Liberal Democrat Group Councillors",
            "on_behalf_of_address": GROUP_OFFICE,
        },
    )
    if created:
        PrivacyNotice.publish(petition, NOTICE, POLICY_URL)
        # The reference sheet asks for name, email and signature only: no address.
        PaperColumns.objects.create(petition=petition, address=False, postcode=False)

    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": username, "is_staff": True}
    )
    if created:
        user.set_password(password)
        user.save()
        # Organisers edit their petitions, targets and notices in the admin.
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["petitions", "paper", "submissions"]
            )
        )
    Membership.objects.get_or_create(
        user=user, organisation=org, defaults={"role": Membership.Role.ORGANISER}
    )
    return petition
