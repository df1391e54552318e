"""Which function renders each kind of email: the one table, read by the
outbox through the EMAIL_RENDERERS setting. Threshold emails are rendered
when they are queued, so they have no entry."""

from signme.mailing.kinds import EmailKind
from signme.people.rights import rights_link
from signme.petitions.emails import confirm_signature
from signme.petitions.team import team_invitation
from signme.submissions.emails import petition_outcome
from signme.updates.campaigns import organiser_update, organiser_update_test

RENDERERS = {
    EmailKind.CONFIRM_SIGNATURE: confirm_signature,
    EmailKind.RIGHTS_LINK: rights_link,
    EmailKind.ORGANISER_UPDATE: organiser_update,
    EmailKind.ORGANISER_UPDATE_TEST: organiser_update_test,
    EmailKind.PETITION_OUTCOME: petition_outcome,
    EmailKind.TEAM_INVITATION: team_invitation,
}
