"""The agenda beside the month (SPEC 2.1: the chosen day's sessions in full) shows each session on its
practitioner's tint (the list's style sheet painted them all white: the tint test fails on that code)
and gives every line room however it wraps (a screenshot of the 200,000-session practice showed a
session cut short, its note behind "..."; the room test holds the delegate's measuring to its drawing)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QImage

from app.services.scheduling.calendar_rows import CalendarClient, CalendarRow
from app.views import style
from app.views.agenda_item_delegate import PAD
from app.views.day_agenda import DayAgenda

NY = ZoneInfo("America/New_York")
DAY = date(2026, 11, 24)
COLORS = ("#3182ce", "#38a169", "#dd6b20", "#805ad5")


def _row(i: int, service: str, location: str = "", note: str = "", clients=("Mateo Holloway",)) -> CalendarRow:
    start = datetime.combine(DAY, time(8 + i), tzinfo=NY)
    return CalendarRow(i + 1, start, start + timedelta(minutes=50), i % 4 + 1, f"Practitioner {i}", COLORS[i % 4],
                       1, service, 1 if location else None, location, "completed", "Completed", note, None,
                       tuple(CalendarClient(n, name, None) for n, name in enumerate(clients)))


def _rows() -> list[CalendarRow]:
    return [_row(0, "Voice lesson", "Harbour Room", "Bring the workbook."),
            _row(1, "Therapy 50 min", "Music Studio", "Parking at the back."),
            _row(2, "Group class", "", "", ("Tomasz Abernathy", "Hiroshi Castillo", "Grace Nguyen", "Leila Rossi")),
            _row(3, "Assessment", "", "A note long enough to take three or four lines of the agenda at this width, "
                                       "so that it has to wrap several times over."),
            _row(4, "Piano")]


def _agenda(qtbot) -> DayAgenda:
    agenda = DayAgenda()
    qtbot.addWidget(agenda)
    agenda.resize(300, 900)
    agenda.show()
    agenda.show_day(DAY, _rows())
    qtbot.waitExposed(agenda)
    return agenda


def test_every_line_of_a_session_has_room_however_it_wraps(qtbot):
    agenda = _agenda(qtbot)
    fm = QFontMetrics(agenda.list.font())
    # a service whose line is just wider than the room for text, though narrower than the item: the
    # style sheet's padding was left out when the list measured it, so the last line was cut off
    width = agenda.list.viewport().width()
    service = "Voice lesson"
    while fm.horizontalAdvance(f"{service} \u00b7 Practitioner 5 \u00b7 Harbour Room") <= width - 2 * PAD:
        service += "i"
    assert fm.horizontalAdvance(f"{service} \u00b7 Practitioner 5 \u00b7 Harbour Room") <= width
    agenda.show_day(DAY, _rows() + [_row(5, service, "Harbour Room", "Bring the workbook.")])
    qtbot.wait(10)
    for i in range(agenda.list.count()):
        item = agenda.list.item(i)
        rect = agenda.list.visualItemRect(item)
        text = item.text()
        needed = fm.boundingRect(QRect(0, 0, rect.width() - 2 * PAD, 100_000), Qt.TextFlag.TextWordWrap, text).height()
        assert rect.height() >= needed + 2 * PAD, (text, rect.height(), needed)
    assert agenda.list.item(5).text().endswith("Note: Bring the workbook.")


def test_each_session_is_on_its_practitioners_tint(qtbot):
    agenda = _agenda(qtbot)
    agenda.list.clearSelection()
    img = QImage(agenda.list.viewport().size(), QImage.Format.Format_ARGB32)
    agenda.list.viewport().render(img)
    for i in range(agenda.list.count()):
        rect = agenda.list.visualItemRect(agenda.list.item(i))
        pixel = img.pixelColor(rect.right() - 3, rect.top() + 2)  # right of the text, above the rule
        expected = style.tint(style.practitioner_color(COLORS[i % 4]), 0.18)
        assert (pixel.red(), pixel.green(), pixel.blue()) == (expected.red(), expected.green(), expected.blue()), i
