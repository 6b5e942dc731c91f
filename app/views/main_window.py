"""The main window: menus, toolbar, status bar, and the calendar in the middle."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QToolBar

from ..services import sessions
from ..services.money import format_money
from . import style
from .calendar.month_view import MonthView, day_bounds
from .change_password_dialog import ChangePasswordDialog
from .client_list_dialog import ClientListDialog
from .day_agenda import DayAgenda
from .events import Events
from .wages_dialog import WagesDialog


class MainWindow(QMainWindow):
    def __init__(self, practice, user, today: date, settings: QSettings | None = None, events: Events | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.practice, self.user, self.actor = practice, user, user.actor
        self.settings = settings or QSettings()
        self.events = events or Events(self)
        conf = practice.settings()
        self.practice_name = conf["practice_name"]
        self._currency, self._locale = conf["currency"], conf["locale"]
        self.setWindowTitle(f"{self.practice_name} — Practice Desk")

        self.month_view = MonthView(self._fetch, today)
        self.agenda = DayAgenda()
        split = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        split.addWidget(self.month_view)
        split.addWidget(self.agenda)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        self.setCentralWidget(split)
        self.month_view.day_selected.connect(self._show_day)
        self.events.sessions_changed.connect(self.month_view.reload)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.status_user = QLabel(objectName="statusUser")
        self.status_count = QLabel(objectName="statusCount")
        self.statusBar().addWidget(self.status_user)
        self.statusBar().addPermanentWidget(QLabel(status_legend(), objectName="statusLegend"))
        self.statusBar().addPermanentWidget(self.status_count)
        self.status_user.setText(f"Signed in as {user.display_name} ({user.role})")

        geometry = self.settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        self.month_view.reload()
        self._update_titles()

    # helpers ---------------------------------------------------------------
    def money(self, cents: int) -> str:
        return format_money(cents, self._currency, self._locale)

    def _fetch(self, first: date, last: date):
        start, end = day_bounds(first, last, self.practice.tz)
        return sessions.list_sessions(self.practice, self.actor, start, end)

    def _action(self, text: str, name: str, slot, shortcut=None) -> QAction:
        a = QAction(text, self)
        a.setObjectName(name)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        front_desk = self.actor.is_front_desk
        self.act_prev = self._action("Previous month", "actionPrevious", self.previous_month, Qt.Key.Key_PageUp)
        self.act_next = self._action("Next month", "actionNext", self.next_month, Qt.Key.Key_PageDown)
        self.act_today = self._action("Today", "actionToday", self.go_today, Qt.Key.Key_T)
        self.act_refresh = self._action("Refresh", "actionRefresh", self.month_view.reload, QKeySequence.StandardKey.Refresh)
        self.act_clients = self._action("Client list…", "actionClients", self.open_clients)
        self.act_wages = self._action("Practitioner wages…", "actionWages", self.open_wages)
        self.act_password = self._action("Change my password…", "actionPassword", self.change_password)
        self.act_about = self._action("About Practice Desk", "actionAbout", self.about)
        self.act_quit = self._action("Quit", "actionQuit", self.close, QKeySequence.StandardKey.Quit)
        self.act_clients.setEnabled(front_desk)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("&Sessions")
        m.setObjectName("menuSessions")
        for a in (self.act_today, self.act_prev, self.act_next, self.act_refresh):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = bar.addMenu("&Clients")
        m.setObjectName("menuClients")
        m.addAction(self.act_clients)
        m = bar.addMenu("&Accounting")
        m.setObjectName("menuAccounting")
        m.addAction(self.act_wages)
        m = bar.addMenu("Se&ttings")
        m.setObjectName("menuSettings")
        m.addAction(self.act_password)
        m.addSeparator()
        m.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        tb = QToolBar("Calendar", objectName="mainToolbar")
        tb.setMovable(False)
        tb.addAction(self.act_prev)
        self.act_prev.setIconText("◀")
        tb.addAction(self.act_today)
        tb.addAction(self.act_next)
        self.act_next.setIconText("▶")
        self.month_label = QLabel(objectName="monthLabel")
        self.month_label.setStyleSheet("font-size: 15pt; font-weight: bold; padding: 0 12px;")
        tb.addWidget(self.month_label)
        self.addToolBar(tb)

    # navigation --------------------------------------------------------------
    def show_month(self, year: int, month: int) -> None:
        self.month_view.set_month(year, month)
        self._update_titles()

    def previous_month(self) -> None:
        y, m = self.month_view.year, self.month_view.month
        self.show_month(y - (m == 1), 12 if m == 1 else m - 1)

    def next_month(self) -> None:
        y, m = self.month_view.year, self.month_view.month
        self.show_month(y + (m == 12), 1 if m == 12 else m + 1)

    def go_today(self) -> None:
        t = self.month_view.today
        self.month_view.selected = t
        self.show_month(t.year, t.month)

    def _update_titles(self) -> None:
        self.month_label.setText(date(self.month_view.year, self.month_view.month, 1).strftime("%B %Y"))
        n = self.month_view.visible_count()
        self.status_count.setText(f"{n} sessions this month" if n else "No sessions this month")

    def _show_day(self, day: date) -> None:
        self.agenda.show_day(day, self.month_view.sessions_on(day))

    # dialogs -----------------------------------------------------------------
    def open_clients(self) -> None:
        ClientListDialog(self.practice, self.actor, self.money, self).exec()

    def open_wages(self) -> None:
        WagesDialog(self.practice, self.actor, self.money, date(self.month_view.year, self.month_view.month, 1),
                    self).exec()

    def change_password(self) -> None:
        ChangePasswordDialog(self.practice, self.actor, self).exec()

    def about(self) -> None:
        QMessageBox.about(self, "About Practice Desk",
                          f"<b>Practice Desk</b><br>{self.practice_name}<br>Practice file: {self.practice.path}")

    def closeEvent(self, event) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)


def status_legend() -> str:
    """Rich text naming each status with its symbol and colour, as the calendar draws them."""
    parts = [f'<span style="color:{style.STATUS_COLORS[k].name()}">{style.STATUS_SYMBOLS[k]} {k}</span>'
             for k in ("open", "completed", "missed", "canceled")]
    return "&nbsp;&nbsp;".join(parts) + "&nbsp;&nbsp;&nbsp;"
