"""A session on an issued invoice (SPEC 9.1: an issued invoice is never edited): deleting it is refused
until the invoice is cancelled by a credit note; re-saving it asks first, since the invoice will not
follow."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.models.enums import WarningCode
from app.services.errors import NeedsConfirmation, RuleViolation
from app.services.money import invoices
from app.services.scheduling import completion, deletion, sessions


@pytest.fixture
def invoiced(practice, admin, make):
    client = make.client("Ann", "Lee")
    [s] = make.session(datetime(2025, 12, 1, 10), datetime(2025, 12, 1, 11), make.service(), make.practitioner(),
                       [client])
    completion.complete_session(practice, admin, s.id, completion.type_by_key(practice, "completed").id)
    draft = invoices.create_draft(practice, admin, client.id, [s.id], date(2025, 12, 1), date(2025, 12, 31))
    return s, draft


def test_a_session_on_a_draft_can_still_change_and_be_deleted(practice, admin, invoiced):
    s, _draft = invoiced
    canceled = completion.type_by_key(practice, "canceled").id
    assert completion.complete_session(practice, admin, s.id, canceled, confirm=False).status == "canceled"
    deletion.delete_session(practice, admin, s.id)


def test_deleting_a_session_on_an_issued_invoice_is_refused_until_a_credit_note(practice, admin, invoiced):
    s, draft = invoiced
    issued = invoices.issue_invoice(practice, admin, draft.id)
    with pytest.raises(RuleViolation, match=f"on issued invoice {issued.number}"):
        deletion.delete_session(practice, admin, s.id)
    with pytest.raises(RuleViolation):
        completion.bulk_action(practice, admin, [s.id], "delete")
    assert sessions.get_session(practice, admin, s.id).status == "completed"
    invoices.cancel_invoice(practice, admin, draft.id, "wrong client")
    deletion.delete_session(practice, admin, s.id)


def test_re_saving_a_session_on_an_issued_invoice_asks_first(practice, admin, invoiced):
    s, draft = invoiced
    number = invoices.issue_invoice(practice, admin, draft.id).number
    canceled = completion.type_by_key(practice, "canceled").id
    for call in (lambda c: completion.complete_session(practice, admin, s.id, canceled, confirm=c),
                 lambda c: completion.bulk_action(practice, admin, [s.id], "complete", canceled, confirm=c)):
        with pytest.raises(NeedsConfirmation) as e:
            call(False)
        assert [w.code for w in e.value.warnings] == [WarningCode.ON_INVOICE]
        assert number in e.value.warnings[0].message
        assert sessions.get_session(practice, admin, s.id).status == "completed"
    assert completion.complete_session(practice, admin, s.id, canceled, confirm=True).status == "canceled"
