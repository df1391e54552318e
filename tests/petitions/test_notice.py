import pytest
from django.core.exceptions import ValidationError

from signme.petitions.models import PrivacyNotice


def test_a_notice_cannot_be_edited(petition):
    notice = petition.current_notice
    notice.text = "changed"
    with pytest.raises(ValidationError):
        notice.save()
    assert PrivacyNotice.objects.get(pk=notice.pk).text != "changed"


def test_changing_the_text_publishes_a_new_version_and_signers_keep_theirs(sign, petition):
    sign()
    old = petition.current_notice
    new = PrivacyNotice.publish(petition, old.text + "\n\nWe also share with the press.")
    assert new.version == old.version + 1
    assert new.code == "PN-1500-v2"
    from signme.petitions.models import Signature

    assert Signature.objects.get().notice == old


def test_publishing_the_same_text_adds_no_version(petition):
    notice = petition.current_notice
    assert PrivacyNotice.publish(petition, notice.text, notice.policy_url) == notice


def test_a_notice_shown_to_signers_cannot_be_deleted(sign, petition):
    sign()
    with pytest.raises(ValidationError):
        petition.current_notice.delete()
