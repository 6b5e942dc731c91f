"""Sessions ▸ Cancellations driven by real clicks and keys (SPEC 7.1, 7.2): the affected list follows the
dates and the practitioner as they change; Notify and cancel cancels the sessions and the e-mails
arrive at a real SMTP server on 127.0.0.1; a message that fails shows red on the Results tab while its
session stays canceled; a bad template is shown before anything is done."""
# ruff: noqa: F811 - the fixtures imported from tests.messaging_servers are parameters here
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import Qt

from app.models.enums import MessageStatus
from app.services.messaging import outbox
from app.services.messaging import settings as msettings
from app.services.scheduling import sessions
from tests.messaging_servers import (  # noqa: F401 - fixtures
    REFUSED_PREFIX,
    memory_keyring,
    sms_provider,
    smtp_server,
)
from tests.services.fingerprint import fingerprint
from tests.views.keys import click
from tests.views.modal import answer_modal

SNOW = date(2026, 1, 6)


@pytest.fixture
def snowy(practice, admin, make, clock, smtp_server, memory_keyring):
    clock.at = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_server.port,
                                      mail_security="none", mail_from="desk@practice.test")
    ann, bob = make.practitioner("Ann Park"), make.practitioner("Bob Stone")
    svc = make.service("Therapy")
    eve = make.client("Eve", "Mail", email="eve@client.test", notify_by="email")
    sam = make.client("Sam", "Both", email="sam@client.test", notify_by="email")
    made = {}
    for key, (day, hour, pr, who) in {"s9": (6, 9, ann, eve), "s10": (6, 10, bob, sam), "next": (7, 9, ann, eve)}.items():
        [made[key]] = make.session(datetime(2026, 1, day, hour), datetime(2026, 1, day, hour, 50), svc, pr, [who],
                                   confirm=True)
    return dict(ann=ann, bob=bob, eve=eve, sam=sam, smtp=smtp_server, **made)


@pytest.fixture
def tool_dialog(qtbot, practice, admin, snowy):
    from app.views.cancellations_dialog import CancellationsDialog

    d = CancellationsDialog(practice, admin, first_day=SNOW)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def listed(d):
    return [a.session.id for a in d.affected]


def wait_sent(qtbot, d):
    qtbot.waitUntil(lambda: d.outbox_sender is None and d.results_model.rowCount() > 0, timeout=20_000)


def test_spec_7_1_the_affected_list_follows_the_dates_and_the_practitioner(qtbot, tool_dialog, snowy):
    d = tool_dialog
    assert listed(d) == [snowy["s9"].id, snowy["s10"].id]
    assert d.sessions_model.rowCount() == 2 and d.summary.text().startswith("2 open sessions")
    assert d.run_button.text() == "Notify and cancel 2 sessions\u2026"

    d.last.setFocus()
    qtbot.keyClick(d.last, Qt.Key.Key_Up)  # the day section: one day later
    qtbot.waitUntil(lambda: len(d.affected) == 3)
    assert listed(d)[-1] == snowy["next"].id

    d.practitioner.setFocus()
    qtbot.keyClicks(d.practitioner, "Bob")  # type-ahead picks "Bob Stone"
    qtbot.waitUntil(lambda: listed(d) == [snowy["s10"].id])

    d.first.setFocus()
    qtbot.keyClick(d.first, Qt.Key.Key_Down)  # a day earlier: nothing of Bob's on the 5th
    qtbot.keyClick(d.last, Qt.Key.Key_Down)
    qtbot.keyClick(d.last, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: d.affected == [] and d.empty.isVisible())
    assert not d.sessions_table.isVisible() and not d.run_button.isEnabled()


def test_spec_7_1_notify_and_cancel_sends_the_e_mails_and_cancels_the_sessions(qtbot, practice, admin, tool_dialog,
                                                                              snowy):
    d = tool_dialog
    d.subject.selectAll()
    qtbot.keyClicks(d.subject, "Snow day: {date}")
    asked = answer_modal(qtbot, "cancelConfirm", "cancelConfirmYes")
    click(qtbot, d.run_button)
    wait_sent(qtbot, d)

    assert asked == ["Cancel 2 sessions and send 2 messages to their clients?"]
    for key in ("s9", "s10"):
        assert sessions.get_session(practice, admin, snowy[key].id).status == "canceled"
    assert sessions.get_session(practice, admin, snowy["next"].id).status == "open"
    got = {a.rcpt_tos[0]: a.message for a in snowy["smtp"].arrived}
    assert set(got) == {"eve@client.test", "sam@client.test"}
    assert got["eve@client.test"]["Subject"] == "Snow day: Tuesday, January 6, 2026"
    assert "Dear Eve Mail," in got["eve@client.test"].get_body(("plain",)).get_content()
    assert d.tabs.currentIndex() == 1
    assert [d.results_model.rows[i].outcome() for i in range(2)] == ["e-mail sent", "e-mail sent"]
    assert d.results_note.text() == "2 sessions canceled. 2 messages sent."
    assert d.affected == [] and not d.empty.isHidden()  # nothing open is left there


def test_spec_7_2_a_failed_message_shows_red_and_the_session_stays_canceled(qtbot, practice, admin, make,
                                                                           tool_dialog, snowy):
    d = tool_dialog
    snowy["smtp"].stop()
    d.radio["cancel"].setChecked(False)
    answer_modal(qtbot, "cancelConfirm", "cancelConfirmYes")
    click(qtbot, d.run_button)
    wait_sent(qtbot, d)

    rows = d.results_model.rows
    assert all(r.failed() and r.outcome().startswith("e-mail failed: Could not reach the mail server") for r in rows)
    assert d.results_model.data(d.results_model.index(0, 3), Qt.ItemDataRole.ForegroundRole).name() == "#c53030"
    assert "2 not sent: the sessions stay canceled" in d.results_note.text()
    for key in ("s9", "s10"):
        assert sessions.get_session(practice, admin, snowy[key].id).status == "canceled"
    assert {m.status for m in outbox.list_outbox(practice, admin)} == {MessageStatus.FAILED}


def test_spec_7_1_cancel_only_and_no_answer_changes_nothing_until_yes(qtbot, practice, admin, tool_dialog, snowy):
    d = tool_dialog
    click(qtbot, d.radio["cancel"])
    assert not d.body.isEnabled() and d.preview.text() == "No message is sent."
    before = fingerprint(practice)
    answer_modal(qtbot, "cancelConfirm", "cancelConfirmNo")
    click(qtbot, d.run_button)
    assert fingerprint(practice) == before

    asked = answer_modal(qtbot, "cancelConfirm", "cancelConfirmYes")
    click(qtbot, d.run_button)
    qtbot.waitUntil(lambda: d.results_model.rowCount() == 2)
    assert asked == ["Cancel 2 sessions without telling their clients?"]
    assert [r.outcome() for r in d.results_model.rows] == ["Not told (cancel only)"] * 2
    assert outbox.count_outbox(practice, admin) == 0 and snowy["smtp"].arrived == []


def test_spec_0_5_a_bad_placeholder_is_shown_at_once_and_running_names_the_message(qtbot, practice, tool_dialog):
    d = tool_dialog
    d.body.selectAll()
    qtbot.keyClicks(d.body, "Dear {name}, we are closed.")
    assert d.preview.text().startswith("Message: has an unknown placeholder {name}")
    before = fingerprint(practice)
    answer_modal(qtbot, "cancelConfirm", "cancelConfirmYes")
    click(qtbot, d.run_button)
    qtbot.waitUntil(lambda: d.error.text() != "")
    assert d.error.text().startswith("Message: has an unknown placeholder {name}")
    assert fingerprint(practice) == before
