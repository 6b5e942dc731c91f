"""The main window: menus, toolbar, filters, the calendar, and the session dialogs it opens."""
from __future__ import annotations

import traceback
from dataclasses import replace
from datetime import date, datetime, time
from functools import partial

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence, QUndoStack
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QToolBar

from ..services import backups
from ..services.errors import ServiceError
from ..services.money.amounts import format_money
from ..services.people import practitioners
from ..services.people.capabilities import capabilities
from ..services.scheduling import catalog, closures, sessions
from ..services.scheduling.calendar_rows import calendar_days
from ..services.scheduling.month_rows import month_rows
from ..services.scheduling.sessions import SessionFilter
from . import style
from .auto_invoice_runner import AutoInvoiceRunner
from .calendar.calendar_panel import VIEWS, CalendarPanel
from .calendar.filter_bar import FilterBar
from .calendar.status_look import legend_html
from .calendar.week_picker import WeekPractitionerPicker
from .card_link_runner import CardLinkRunner
from .change_password_dialog import ChangePasswordDialog
from .client_list_dialog import ClientListDialog
from .closure_dialog import ClosureDialog
from .day_agenda import DayAgenda
from .events import Events
from .live_refresh import LiveRefresh
from .move_command import MoveSessionCommand
from .open_practice import recent_menu
from .reminder_runner import ReminderRunner
from .wages_dialog import WagesDialog
from .widgets.messages import confirm_warnings, error_text, show_error
from .widgets.opaque_label import OpaqueLabel


class MainWindow(QMainWindow):
    replaced = Signal(object)  # after a sign out or restore: the next user's window, or None if nobody signed in

    def __init__(self, practice, user, today: date | None = None, settings: QSettings | None = None,
                 events: Events | None = None, view: str | None = None, auto_backup: bool = True):
        """``auto_backup``: back up when the window opens and daily while it is open (SPEC 0.7)."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.practice, self.user, self.actor = practice, user, user.actor
        self.caps = capabilities(self.actor)
        self.settings = settings or QSettings()
        self.events = events or Events(self)
        self.undo_stack = QUndoStack(self)
        conf = practice.settings()
        self.practice_name = conf["practice_name"]
        self._currency, self._locale = conf["currency"], conf["locale"]
        self.setWindowTitle(f"{self.practice_name} — Practice Desk")
        self._fixed_today = today
        self.filter = SessionFilter()

        pract = self._practitioners()
        self.calendar = CalendarPanel(self._fetch, self._fetch_month, self.now, pract)
        self.calendar.set_day_hours(conf["day_start_hour"], conf["day_end_hour"])
        self.agenda = DayAgenda()
        split = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        split.addWidget(self.calendar)
        split.addWidget(self.agenda)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        self.setCentralWidget(split)
        self.month_view = self.calendar.month

        self._build_actions()
        self._build_menus()
        self._build_toolbars(pract)
        self.status_user = QLabel(objectName="statusUser")
        self.status_count = OpaqueLabel(objectName="statusCount")
        self.status_count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status_count.setFixedSize(self.status_count.fontMetrics().horizontalAdvance("99,999 sessions this month")
                                       + 8, self.status_count.sizeHint().height())
        self.status_closed = QLabel(objectName="statusClosed", visible=False)
        self.status_closed.setStyleSheet(f"color: {style.CLOSED_HATCH.name()}; font-weight: bold; padding: 0 12px;")
        self.statusBar().addWidget(self.status_user)
        self.statusBar().addWidget(self.status_closed)
        self.statusBar().addPermanentWidget(QLabel(status_legend(), objectName="statusLegend"))
        self.statusBar().addPermanentWidget(self.status_count)
        self.status_user.setText(f"Signed in as {user.display_name} ({user.role})")

        self.calendar.day_selected.connect(self._show_day)
        self.agenda.session_clicked.connect(self.show_popup)
        self.agenda.session_activated.connect(self.open_session)
        self.agenda.add_requested.connect(lambda d: self.add_session_at(d, None, None))
        self._titled_view: str | None = None  # the view _update_titles last showed
        self.calendar.range_changed.connect(self._update_titles)
        self.calendar.create_requested.connect(self.add_session_at)
        self.calendar.move_requested.connect(self.move_session)
        self.calendar.session_clicked.connect(self.show_popup)
        self.calendar.session_activated.connect(self.open_session)
        self.events.sessions_changed.connect(self.calendar.reload)
        self.events.clients_changed.connect(self.calendar.reload)  # names on the calendar
        self.events.catalog_changed.connect(self._reload_choices)

        geometry = self.settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        saved_view = view or self.settings.value("calendar/view", "month")
        anchor = self._saved_anchor() if today is None else today
        self.calendar.month.selected = anchor
        self.calendar.show_range(view=saved_view if saved_view in VIEWS else "month", anchor=anchor)
        self._start_backups(auto_backup)
        self.reminders = ReminderRunner(self, practice, self.actor, start=auto_backup)  # SPEC 7.4, in the background
        self.auto_invoicing = AutoInvoiceRunner(self, practice, self.actor, start=auto_backup)  # SPEC 10.2: catch-up
        self.card_links = CardLinkRunner(self, practice, self.actor, start=auto_backup)  # SPEC 10.4: saved cards
        self.live = LiveRefresh(self, practice, self.events)  # what other desks save shows here within a second

    # helpers ---------------------------------------------------------------
    def now(self) -> datetime:
        tz = self.practice.tz
        if self._fixed_today is not None:
            return datetime.combine(self._fixed_today, time(11, 0), tzinfo=tz)
        return self.practice.clock.now().astimezone(tz)

    def money(self, cents: int) -> str:
        return format_money(cents, self._currency, self._locale)

    def _saved_anchor(self) -> date:
        raw = self.settings.value("calendar/anchor")
        try:
            return date.fromisoformat(str(raw)) if raw else self.now().date()
        except ValueError:
            return self.now().date()

    def _fetch(self, first: date, last: date, practitioner_id: int | None = None):
        """The calendar's rows and closures of [first, last]; ``practitioner_id``: only that
        practitioner's sessions (the week of one practitioner), read as such (not all, then dropped)."""
        where_filter = self.filter
        if practitioner_id is not None and practitioner_id in (where_filter.practitioner_ids or (practitioner_id,)):
            where_filter = replace(where_filter, practitioner_ids=(practitioner_id,))
        return calendar_days(self.practice, self.actor, first, last, where_filter)  # light rows, one transaction

    def _fetch_month(self, first: date, last: date, per_day: int, whole_day: date | None):
        """Each day's first ``per_day`` sessions (all of ``whole_day``'s), its count, and the closures."""
        shown = month_rows(self.practice, self.actor, first, last, per_day, self.filter, whole_day)
        return shown.rows, shown.counts, shown.closed

    def _open(self, dialog, refresh_on_accept: bool = True) -> None:
        """Open a dialog window-modal without blocking; the calendar refreshes when it saves."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if refresh_on_accept:
            dialog.accepted.connect(self.events.sessions_changed.emit)
        self.active_dialog = dialog
        dialog.open()

    def report(self, exc: ServiceError) -> None:
        show_error(self, exc)

    def confirm_warnings(self, warnings) -> bool:
        return confirm_warnings(self, warnings)

    def _action(self, text: str, name: str, slot, shortcut=None) -> QAction:
        a = QAction(text, self)
        a.setObjectName(name)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        caps = self.caps
        front_desk = caps.front_desk
        self.act_add = self._action("Add Session…", "actionAddSession", lambda: self.add_session_at(None, None, None),
                                    QKeySequence.StandardKey.New)
        self.act_prev = self._action("Previous", "actionPrevious", lambda: self.calendar.step(-1), Qt.Key.Key_PageUp)
        self.act_next = self._action("Next", "actionNext", lambda: self.calendar.step(1), Qt.Key.Key_PageDown)
        self._action("Previous", "actionLeft", lambda: self.calendar.step(-1), Qt.Key.Key_Left)
        self._action("Next", "actionRight", lambda: self.calendar.step(1), Qt.Key.Key_Right)
        self.act_today = self._action("Today", "actionToday", self.calendar.go_today, Qt.Key.Key_T)
        self.view_actions = QActionGroup(self)
        for view, key in zip(VIEWS, (Qt.Key.Key_M, Qt.Key.Key_W, Qt.Key.Key_D), strict=True):
            a = self._action(view.capitalize(), f"actionView{view.capitalize()}",
                             lambda _=False, v=view: self.calendar.show_range(view=v), key)
            a.setCheckable(True)
            self.view_actions.addAction(a)
        self.act_refresh = self._action("Refresh", "actionRefresh", self.calendar.reload, QKeySequence.StandardKey.Refresh)
        self.act_undo = self.undo_stack.createUndoAction(self, "Undo")
        self.act_undo.setObjectName("actionUndo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.addAction(self.act_undo)
        self.act_sessions_list = self._action("Sessions List…", "actionSessionsList", self.open_sessions_list)
        self.act_open_sessions = self._action("Open Sessions…", "actionOpenSessions", self.open_open_sessions)
        self.act_deleted = self._action("Deleted Sessions…", "actionDeletedSessions", self.open_deleted)
        self.act_deleted.setEnabled(front_desk)
        self.act_classes = self._action("Classes\u2026", "actionClasses", self.open_classes)
        self.act_classes.setEnabled(front_desk)  # SPEC 11: the front desk runs classes
        self.act_closure = self._action("Add Closure…", "actionAddClosure", self.add_closure)
        self.act_closure.setEnabled(front_desk)
        self.act_closures = self._action("Closures…", "actionClosures", self.open_closures)
        self.act_closures.setEnabled(front_desk)  # SPEC 7.3: list, remove, cancel the sessions on one
        self.act_cancellations = self._action("Cancellations…", "actionCancellations", self.open_cancellations)
        self.act_cancellations.setEnabled(front_desk)  # SPEC 7.1: the snow-day tool is the front desk's
        self.act_clients = self._action("Client List…", "actionClients", self.open_clients)
        self.act_clients.setEnabled(front_desk)
        self.act_outbox = self._action("Outbox…", "actionOutbox", self.open_outbox)
        self.act_outbox.setEnabled(front_desk)  # SPEC 7.2: e-mails and SMS to clients, their results, retries
        self.act_client_requests = self._action("Requests\u2026", "actionClientRequests", self.open_client_requests)
        self.act_client_requests.setEnabled(front_desk)  # SPEC 1.1, 1.4: recorded on the client's behalf by staff
        self.act_client_requests.setVisible(front_desk)
        self.act_wages = self._action("Practitioner Wages…", "actionWages", self.open_wages)
        self.act_record_payment = self._action("Record Payment…", "actionRecordPayment", self.record_payment)
        self.act_record_payment.setEnabled(front_desk)
        self.act_record_payment.setVisible(front_desk)  # a practitioner neither sees nor records payments (SPEC 1.1)
        self.act_invoices = self._action("Invoices…", "actionInvoices", self.open_invoices)
        self.act_invoices.setEnabled(caps.invoices)
        self.act_invoices.setVisible(caps.invoices)  # a practitioner neither sees nor makes invoices (SPEC 1.1)
        self.act_auto_settings = self._action("Auto Settings…", "actionAutoSettings", self.open_auto_settings)
        self.act_auto_settings.setEnabled(caps.invoices)  # SPEC 10.1: the admin changes it; staff see it read-only
        self.act_auto_history = self._action("Auto History…", "actionAutoHistory", self.open_auto_history)
        self.act_auto_history.setEnabled(caps.invoices)  # SPEC 10.3: each run and each client's result
        self.act_reports = self._action("Reports…", "actionReports", self.open_reports)
        self.act_reports.setEnabled(caps.reports)
        self.act_password = self._action("Change My Password…", "actionPassword", self.change_password)
        self.act_settings = self._action("Practice Settings…", "actionPracticeSettings", self.open_settings)
        self.act_settings.setEnabled(caps.settings)
        self.act_settings_panels = self._action("Settings…", "actionSettingsPanels", self.open_settings_panels)
        self.act_settings_panels.setEnabled(caps.settings)
        self.act_about = self._action("About Practice Desk", "actionAbout", self.about)
        self.act_back_up = self._action("Back Up Now…", "actionBackUpNow", self.back_up_now)
        self.act_back_up.setEnabled(caps.back_up)
        self.act_restore = self._action("Restore From Backup…", "actionRestore", self.open_restore)
        self.act_restore.setEnabled(caps.restore)
        self.act_sign_out = self._action("Sign Out…", "actionSignOut", self.sign_out)
        self.act_unlock_users = self._action("Unlock or Reset a User…", "actionUnlockUsers", self.open_unlock_users)
        self.act_unlock_users.setEnabled(caps.manage_users)
        self.act_quit = self._action("Quit", "actionQuit", self.close, QKeySequence.StandardKey.Quit)
        self.act_new_practice = self._action("New Practice…", "actionNewPractice", self.new_practice)
        self.act_open_practice = self._action("Open Practice…", "actionOpenPractice", lambda: self.open_practice(),
                                              QKeySequence.StandardKey.Open)
        self.act_connect_server = self._action("Connect to Practice Server…", "actionConnectServer",
                                               lambda: self.connect_to_server())

    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("&File")
        m.setObjectName("menuFile")
        m.addAction(self.act_new_practice)
        m.addAction(self.act_open_practice)
        m.addAction(self.act_connect_server)
        m.addMenu(recent_menu(self))
        m.addSeparator()
        m.addAction(self.act_back_up)
        m.addAction(self.act_restore)
        m.addSeparator()
        m.addAction(self.act_sign_out)
        m.addAction(self.act_quit)
        m = bar.addMenu("&Sessions")
        m.setObjectName("menuSessions")
        m.addAction(self.act_add)
        m.addAction(self.act_undo)
        m.addSeparator()
        for a in self.view_actions.actions():
            m.addAction(a)
        for a in (self.act_today, self.act_prev, self.act_next, self.act_refresh):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_sessions_list)
        m.addAction(self.act_open_sessions)
        m.addAction(self.act_deleted)
        m.addAction(self.act_classes)
        m.addAction(self.act_closure)
        m.addAction(self.act_closures)
        m.addAction(self.act_cancellations)
        m = bar.addMenu("&Clients")
        m.setObjectName("menuClients")
        m.addAction(self.act_clients)
        m.addAction(self.act_outbox)
        m.addAction(self.act_client_requests)
        m = bar.addMenu("&Accounting")
        m.setObjectName("menuAccounting")
        m.addAction(self.act_invoices)
        auto = m.addMenu("Auto Invoices")  # SPEC 10: Accounting ▸ Auto Invoices ▸ Auto Settings / Auto History
        auto.setObjectName("menuAutoInvoices")
        auto.addAction(self.act_auto_settings)
        auto.addAction(self.act_auto_history)
        auto.menuAction().setVisible(self.act_invoices.isVisible())  # hidden with Invoices… for practitioners
        m.addAction(self.act_record_payment)
        m.addAction(self.act_wages)
        m.addAction(self.act_reports)
        m = bar.addMenu("Se&ttings")
        m.setObjectName("menuSettings")
        m.addAction(self.act_settings_panels)
        m.addAction(self.act_settings)
        m.addAction(self.act_unlock_users)
        m.addAction(self.act_password)
        m.addSeparator()
        m.addAction(self.act_about)

    def _build_toolbars(self, pract) -> None:
        tb = QToolBar("Calendar", objectName="mainToolbar")
        tb.setMovable(False)
        tb.addAction(self.act_add)
        tb.addSeparator()
        tb.addAction(self.act_prev)
        self.act_prev.setIconText("◀")
        tb.addAction(self.act_today)
        tb.addAction(self.act_next)
        self.act_next.setIconText("▶")
        self.title_label = OpaqueLabel(objectName="calendarTitle")
        # 15 pt bold with 12 px each side, set as a font and margins: as a style sheet, every step's new
        # title was painted through the style sheet's rules (~0.07 ms of a 4 ms day step, issue 17)
        title_font = QFont(self.title_label.font())
        title_font.setPointSize(15)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setContentsMargins(12, 0, 12, 0)
        # the style sheet's padding counted as a frame, which indents a label's text by half an "x"
        self.title_label.setIndent(self.title_label.fontMetrics().horizontalAdvance("x") // 2)
        self.title_label.setFixedSize(max(330, self.title_label.fontMetrics().horizontalAdvance(
            "Wednesday 30 September 2026") + 30), self.title_label.sizeHint().height())
        tb.addWidget(self.title_label)
        tb.addSeparator()
        for a in self.view_actions.actions():
            tb.addAction(a)
        self.by_practitioner = QCheckBox("Day: one column per practitioner", objectName="byPractitioner")
        self.by_practitioner.toggled.connect(self.calendar.set_by_practitioner)
        self.by_practitioner_action = tb.addWidget(self.by_practitioner)
        self.week_picker = WeekPractitionerPicker(pract, self.calendar, self.settings)
        self.week_picker_action = tb.addWidget(self.week_picker)
        self.addToolBar(tb)
        self.addToolBarBreak()
        fb = QToolBar("Filters", objectName="filterToolbar")
        fb.setMovable(False)
        self.filter_bar = FilterBar(pract, catalog.list_locations(self.practice, self.actor),
                                    catalog.list_services(self.practice, self.actor))
        self.filter_bar.changed.connect(self.set_filter)
        self.filter_bar.practitioner.setVisible(self.caps.front_desk)  # a practitioner sees only their own
        fb.addWidget(self.filter_bar)
        self.addToolBar(fb)

    # calendar state ------------------------------------------------------------
    def set_filter(self, f: SessionFilter) -> None:
        self.filter = f
        self.calendar.reload()

    def _update_titles(self) -> None:
        cal = self.calendar
        self.title_label.setText(cal.title())
        if cal.view != self._titled_view:  # a step keeps its view: its checked action and the bars' parts stay
            self._titled_view = cal.view
            for a in self.view_actions.actions():
                a.setChecked(a.objectName() == f"actionView{cal.view.capitalize()}")
            self.agenda.setVisible(cal.view == "month")
            self.by_practitioner_action.setVisible(cal.view == "day" and self.caps.front_desk)
            self.week_picker_action.setVisible(cal.view == "week" and self.caps.front_desk)
        n = cal.session_count
        span = {"month": "this month", "week": "this week", "day": "this day"}[cal.view]
        self.status_count.setText(f"{n} sessions {span}" if n else f"No sessions {span}")
        # a closed day, said once (the day view's twenty columns are too narrow for it; the week's header says it)
        closed = cal.day.grid.closed.get(cal.anchor) if cal.view == "day" else None
        self.status_closed.setText("" if closed is None else f"\u26a0 Closed: {closed}")
        self.status_closed.setVisible(closed is not None)

    def _show_day(self, day: date) -> None:
        self.agenda.show_day(day, self.calendar.month.sessions_on(day))

    # sessions ------------------------------------------------------------------
    def add_session_at(self, start, end, practitioner_id) -> None:
        """From the Add button (all None), a month cell (a date) or a drag (start and end)."""
        from .session_dialog import SessionDialog

        if isinstance(start, date) and not isinstance(start, datetime):
            start, end = datetime.combine(start, time(9, 0)), None  # the service's own length
        self._open_session_form(SessionDialog(self.practice, self.actor, start=start, end=end,
                                              practitioner_id=practitioner_id, parent=self))

    def _open_session_form(self, dialog) -> None:
        """Like ``_open``; a client made with the form's New client… is announced at once."""
        dialog.client_created.connect(lambda _client: self.events.clients_changed.emit())
        self._open(dialog)

    def move_session(self, session_id: int, start: datetime, end: datetime, practitioner_id) -> None:
        try:
            s = sessions.get_session(self.practice, self.actor, session_id)
        except ServiceError as exc:
            self.report(exc)
            return
        naive = (s.start.replace(tzinfo=None), s.end.replace(tzinfo=None), s.practitioner_id)
        self.undo_stack.push(MoveSessionCommand(self, session_id, (start, end, practitioner_id or s.practitioner_id),
                                                naive))

    def show_popup(self, session_id: int, pos) -> None:
        from .session_popup import SessionPopup

        try:
            s = sessions.get_session(self.practice, self.actor, session_id)
        except ServiceError as exc:
            self.report(exc)
            return
        old = getattr(self, "popup", None)
        if old is not None:
            old.close()
            old.deleteLater()
        day = s.start.date()
        closed = closures.closure_on(closures.list_closures(self.practice, self.actor, day, day), day)
        self.popup = SessionPopup(s, self.money, self, closure_label=closed.label if closed else None,
                                  client_cancel=capabilities(self.actor).front_desk)
        self.popup.complete_requested.connect(self.complete_session)
        self.popup.client_cancel_requested.connect(self.client_cancel)
        self.popup.edit_requested.connect(self.edit_session)
        self.popup.open_requested.connect(self.open_session)
        self.popup.show_at(pos)

    def complete_session(self, session_id: int) -> None:
        from .completion_dialog import CompletionDialog

        s = sessions.get_session(self.practice, self.actor, session_id)
        self._open(CompletionDialog(self.practice, self.actor, s, self.money, self))

    def client_cancel(self, session_id: int) -> None:
        """Client cancels… (SPEC 8) from the calendar pop-up."""
        from .client_cancel_dialog import ClientCancelDialog

        s = sessions.get_session(self.practice, self.actor, session_id)
        self._open(ClientCancelDialog(self.practice, self.actor, s, self.money, self))

    def edit_session(self, session_id: int) -> None:
        from .scope_dialog import ask_scope
        from .session_dialog import SessionDialog

        s = sessions.get_session(self.practice, self.actor, session_id)
        scope = "this"
        if s.series_id is not None:
            scope = ask_scope(self, "Edit")
            if scope is None:
                return
        self._open_session_form(SessionDialog(self.practice, self.actor, session=s, scope=scope, parent=self))

    def delete_session(self, session_id: int) -> None:
        from ..services.scheduling import deletion
        from .scope_dialog import ask_scope

        scope = ask_scope(self, "Delete")
        if scope is None:
            return
        try:
            deletion.delete_session(self.practice, self.actor, session_id, scope)
        except ServiceError as exc:
            self.report(exc)
        self.events.sessions_changed.emit()

    def open_session(self, session_id: int) -> None:
        from .session_view_dialog import SessionViewDialog

        dialog = SessionViewDialog(self.practice, self.actor, session_id, self.money, self)
        dialog.edit_requested.connect(self.edit_session)
        dialog.delete_requested.connect(self.delete_session)
        dialog.finished.connect(lambda _r: dialog.changed and self.events.sessions_changed.emit())
        self._open(dialog, refresh_on_accept=False)

    def add_closure(self) -> None:
        self._open(ClosureDialog(self.practice, self.actor, self.calendar.anchor, self))

    # other dialogs -------------------------------------------------------------
    def open_deleted(self) -> None:
        from .deleted_sessions_dialog import DeletedSessionsDialog

        dialog = DeletedSessionsDialog(self.practice, self.actor, self.money, self)
        dialog.finished.connect(lambda _r: dialog.recovered and self.events.sessions_changed.emit())
        self._open(dialog, refresh_on_accept=False)

    def open_classes(self) -> None:
        """Sessions > Classes… (SPEC 11): the classes, each opened in its view; what is enrolled or
        dropped there shows on the calendar (the class view says ``sessions_changed``)."""
        from .classes.classes_dialog import ClassesDialog

        self._open(ClassesDialog(self.practice, self.actor, self.money, self), refresh_on_accept=False)

    def open_sessions_list(self) -> None:
        from .sessions_list_dialog import SessionsListDialog

        self._open_list(SessionsListDialog(self.practice, self.actor, self))

    def open_open_sessions(self) -> None:
        from .open_sessions_dialog import OpenSessionsDialog

        self._open_list(OpenSessionsDialog(self.practice, self.actor, self))

    def _open_list(self, dialog) -> None:
        """A sessions list: a double-click on a row (or Enter) opens the session view as the calendar
        does; what is changed there, or anywhere while the list is open, shows in the list."""
        dialog.session_activated.connect(self.open_session)
        self.events.sessions_changed.connect(dialog.refresh)
        dialog.finished.connect(lambda _r: self.events.sessions_changed.disconnect(dialog.refresh))
        dialog.finished.connect(lambda _r: dialog.changed and self.events.sessions_changed.emit())
        self._open(dialog, refresh_on_accept=False)

    def open_clients(self) -> None:
        dialog = ClientListDialog(self.practice, self.actor, self.money, self)
        self.events.ledger_changed.connect(dialog.refresh)  # a payment in a client's record: the balances follow
        dialog.finished.connect(lambda _r: self.events.ledger_changed.disconnect(dialog.refresh))
        dialog.finished.connect(lambda _r: dialog.changed and self.events.clients_changed.emit())
        dialog.finished.connect(lambda _r: dialog.booked and self.events.sessions_changed.emit())
        self._open(dialog, refresh_on_accept=False)

    def open_closures(self) -> None:
        """Sessions > Closures… (SPEC 7.3): the closures, with Remove and Cancel sessions on this closure…"""
        from .closures_dialog import ClosuresDialog

        self._open(ClosuresDialog(self.practice, self.actor, self), refresh_on_accept=False)

    def open_cancellations(self, first_day=None, last_day=None) -> None:
        """Sessions > Cancellations… (SPEC 7.1): cancel and/or notify the open sessions of a date or range;
        a closure opens it on its own days. The calendar refreshes when sessions are canceled."""
        from .cancellations_dialog import CancellationsDialog

        self._open(CancellationsDialog(self.practice, self.actor, self, first_day, last_day), refresh_on_accept=False)

    def open_client_requests(self) -> None:
        """Clients > Requests… (SPEC 1.4): the requests inbox; an accepted request shows on the calendar."""
        from .client_requests_dialog import ClientRequestsDialog

        dialog = ClientRequestsDialog(self.practice, self.actor, self)
        dialog.finished.connect(lambda _r: dialog.changed and self.events.sessions_changed.emit())
        self._open(dialog, refresh_on_accept=False)

    def open_outbox(self) -> None:
        """Clients > Outbox… (SPEC 7.2): every message with its status and error; Retry for failed ones."""
        from .outbox_window import OutboxWindow

        self._open(OutboxWindow(self.practice, self.actor, self), refresh_on_accept=False)

    def open_invoices(self) -> None:
        """Accounting > Invoices… (SPEC 9.1, 9.2): the list, new invoices, issuing, credit notes, PDFs."""
        from .invoices.invoices_dialog import InvoicesDialog

        self._open(InvoicesDialog(self.practice, self.actor, self.events, self.now().date(), self),
                   refresh_on_accept=False)

    def open_auto_settings(self) -> None:
        """Accounting ▸ Auto Invoices ▸ Auto Settings… (SPEC 10.1)."""
        from .invoices.auto_invoicing_dialog import AutoInvoicingDialog

        self._open(AutoInvoicingDialog(self.practice, self.actor, self), refresh_on_accept=False)

    def open_auto_history(self) -> None:
        """Accounting ▸ Auto Invoices ▸ Auto History… (SPEC 10.3): runs, each client's result, Retry."""
        from .invoices.auto_history_dialog import AutoHistoryDialog

        self._open(AutoHistoryDialog(self.practice, self.actor, self), refresh_on_accept=False)

    def record_payment(self) -> None:
        """Accounting > Record Payment… (SPEC 9.3): any client's payment; the balances shown follow."""
        from .payments.record_payment_dialog import RecordPaymentDialog

        dialog = RecordPaymentDialog(self.practice, self.actor, self.money, parent=self)  # today by the practice clock
        dialog.recorded.connect(lambda _r: self.events.ledger_changed.emit())
        self._open(dialog, refresh_on_accept=False)

    def open_wages(self) -> None:
        WagesDialog(self.practice, self.actor, self.money, self.calendar.anchor.replace(day=1), self).exec()

    def open_reports(self) -> None:
        """Accounting > Reports… (SPEC 9.4); QtCharts is imported only now, not at start-up."""
        from .reports.reports_dialog import ReportsDialog

        self._open(ReportsDialog(self.practice, self.actor, self.now().date(), self), refresh_on_accept=False)

    def open_settings(self) -> None:
        """Settings > Practice Settings…: the Settings window on its Practice page."""
        self._open_settings_window("practice")

    def open_settings_panels(self) -> None:
        """Settings > Settings…: the Settings window on its Users and roles page."""
        self._open_settings_window("users")

    def _open_settings_window(self, page: str) -> None:
        """Practice, users, practitioners, services, locations, completion types, session control.
        Once the window closes, what was saved there shows here."""
        from .settings.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.practice, self.actor, self, page=page)
        dialog.finished.connect(lambda _result: dialog.practice_changed and self._apply_settings())
        dialog.finished.connect(lambda _result: self.events.catalog_changed.emit())
        dialog.finished.connect(lambda _result: self.events.sessions_changed.emit())
        self._open(dialog, refresh_on_accept=False)

    def _practitioners(self) -> list:
        """The practitioners whose calendars this user works on (a practitioner: only themself)."""
        return [p for p in practitioners.list_practitioners(self.practice, self.actor) if self.caps.works_on(p.id)]

    def _reload_choices(self) -> None:
        """The filter bar's and week picker's lists after settings changed practitioners, services or
        locations: no need to sign in again."""
        pract = self._practitioners()
        self.filter_bar.set_choices(pract, catalog.list_locations(self.practice, self.actor),
                                    catalog.list_services(self.practice, self.actor))
        self.week_picker.set_practitioners(pract)
        self.calendar.practitioners = pract  # the day view's columns, one per practitioner

    def _apply_settings(self) -> None:
        conf = self.practice.settings()
        self.practice_name = conf["practice_name"]
        self._currency, self._locale = conf["currency"], conf["locale"]
        self.setWindowTitle(f"{self.practice_name} — Practice Desk")
        self.calendar.set_day_hours(conf["day_start_hour"], conf["day_end_hour"])
        self.calendar.reload()

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.practice, self.actor, self)
        dialog.accepted.connect(lambda: self.statusBar().showMessage("Your password was changed.", 8000))
        self._open(dialog, refresh_on_accept=False)

    def open_unlock_users(self) -> None:
        from .unlock_user_dialog import UnlockUserDialog

        self._open(UnlockUserDialog(self.practice, self.actor, self), refresh_on_accept=False)

    def about(self) -> None:
        from html import escape

        from .recent_practices import where

        held = (f"Practice file: {self.practice.path}" if self.practice.path is not None
                else f"Practice server: {where(self.practice).label}")
        QMessageBox.about(self, "About Practice Desk", f"<b>Practice Desk</b><br>{self.practice_name}<br>{escape(held)}")

    # backups (SPEC 0.7) -------------------------------------------------------------------
    def _start_backups(self, enabled: bool) -> None:
        """The backup at start runs once the window is up; then an hourly check makes the daily one."""
        self.successor: MainWindow | None = None  # the window that replaces this one after a restore or sign out
        self.backup_timer_was_on = False
        self.backup_timer = QTimer(self, objectName="backupTimer", interval=BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(lambda: self.auto_backup(only_if_due=True))
        if enabled:
            QTimer.singleShot(0, self, self._back_up_at_start)
            self.backup_timer.start()

    def _back_up_at_start(self) -> None:
        """The backup at start, in a thread: copying a big practice takes a second or more (0.6 s for
        200,000 sessions), which the window's first paint no longer waits for; a failure is said in
        the status bar as ``auto_backup`` says it."""
        from .widgets.kept_thread import start_kept

        start_kept(_StartBackup(self.practice), "startBackup", self._start_backup_done)

    def _start_backup_done(self, problem) -> None:
        if problem is None:
            return
        try:
            self.statusBar().showMessage(
                f"The automatic backup could not be made. {backup_problem(problem)}" if isinstance(problem, ServiceError)
                else "The automatic backup could not be made. Use File ▸ Back Up Now to try again.")
        except RuntimeError:  # the window was closed meanwhile
            pass

    def auto_backup(self, only_if_due: bool = False) -> None:
        """Never in the way: nothing is said when it works; a failure is said quietly in the status
        bar, and work goes on."""
        try:
            if only_if_due:
                backups.auto_backup_if_due(self.practice)
            else:
                backups.auto_backup(self.practice)
        except ServiceError as exc:
            self.statusBar().showMessage(f"The automatic backup could not be made. {backup_problem(exc)}")
            return
        except Exception:  # whatever broke, the app keeps going; the report goes to the terminal
            traceback.print_exc()
            self.statusBar().showMessage("The automatic backup could not be made. Use File ▸ Back Up Now "
                                         "to try again.")
            return

    def back_up_now(self) -> None:
        from .backup_dialog import BackupDialog

        self._open(BackupDialog.back_up(self.practice, self.actor, self._locale, self), refresh_on_accept=False)

    def open_restore(self) -> None:
        from .restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.practice, self.actor, self._locale, self)
        # read the result while the dialog exists; act once it has closed
        dialog.accepted.connect(lambda: QTimer.singleShot(0, self, partial(self._after_restore, dialog.restored)))
        self._open(dialog, refresh_on_accept=False)

    def _after_restore(self, result: backups.RestoreResult) -> None:
        """The file now holds other data and maybe other users: show the restored practice, say
        what happened, and sign in again. A new window replaces this one (``successor``); if
        nobody signs in, this window closes and the app with it."""
        from .widgets.backup_text import when_text

        self._pause_backups()
        self._apply_settings()  # nothing stale behind the sign-in
        self.events.clients_changed.emit()
        taken = result.restored.taken_at
        what = f"The backup taken {when_text(taken)}" if taken else f"“{result.restored.path.name}”"
        box = QMessageBox(QMessageBox.Icon.Information, "Backup restored", f"{what} has been restored.",
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("restoreDone")
        box.button(QMessageBox.StandardButton.Ok).setObjectName("restoreDoneOk")
        box.setInformativeText(f"The practice as it was just before is kept as the backup "
                               f"“{result.kept.path.name}”.\n\nPlease sign in again: the user "
                               f"accounts are now those of the backup.")
        box.exec()
        self.sign_in_again("The practice now holds what the backup held.")

    # other practices (SPEC 1.5) --------------------------------------------------------------------
    def new_practice(self) -> None:
        from . import open_practice

        open_practice.new_practice(self)

    def open_practice(self, path=None) -> None:
        from . import open_practice

        open_practice.open_practice(self, path)

    def connect_to_server(self, address=None) -> None:
        from . import open_practice

        open_practice.connect_to_server(self, address)

    # signing out and in (SPEC 1.2) ---------------------------------------------------------------
    def sign_out(self) -> None:
        """File ▸ Sign Out: this user's window goes (nothing of theirs stays on screen) and the
        sign-in dialog asks who comes next; cancelling it quits."""
        self._pause_backups()
        for dialog in self.findChildren(QDialog):  # open forms and lists of the user signing out
            if dialog.isVisible():
                dialog.reject()
        popup = getattr(self, "popup", None)
        if popup is not None:
            popup.close()
        self._save_ui_state()
        self.hide()
        self.sign_in_again("You have signed out. The next person can sign in here.")

    def sign_in_again(self, hint: str) -> None:
        """Ask who signs in (after a sign out or a restore). A new window for that user replaces
        this one (``successor``, announced by ``replaced``); if nobody signs in, this window
        closes and ``replaced`` says None: the app quits (``app.__main__.follow_successors``)."""
        from .login_dialog import LoginDialog

        self._pause_backups()
        login = LoginDialog(self.practice, self.practice_name, hint, self)
        accepted = login.exec() == LoginDialog.DialogCode.Accepted
        login.deleteLater()
        if not accepted:
            self.close()
            self.replaced.emit(None)
            return
        self.hand_over(login.user)

    def hand_over(self, user, practice=None) -> None:
        """A new window for ``user`` replaces this one (``successor``, announced by ``replaced``).
        ``practice``: another practice (File ▸ Open/New Practice): its window makes its own backups
        and this window's practice file is closed."""
        other = practice is not None and practice is not self.practice
        self._pause_backups()
        self._save_ui_state()
        self.successor = MainWindow(practice if other else self.practice, user, self._fixed_today,
                                    settings=self.settings, view=self.calendar.view,
                                    auto_backup=other)  # this window made the backups of its own practice
        if self.backup_timer_was_on and not other:
            self.successor.backup_timer.start()
        if self.reminders.was_on and not other:
            self.successor.reminders.start()  # the next user's reminders (front desk only)
        if self.auto_invoicing.was_on and not other:
            self.successor.auto_invoicing.start()
        if self.card_links.was_on and not other:
            self.successor.card_links.start()
        self.successor.show()
        self.replaced.emit(self.successor)
        self.close()
        if other:
            self.practice.close()

    def _pause_backups(self) -> None:
        """The automatic backups stop with this window; its successor takes them over."""
        if self.backup_timer.isActive():
            self.backup_timer_was_on = True
        self.backup_timer.stop()
        self.reminders.pause()
        self.auto_invoicing.pause()
        self.card_links.pause()
        self.live.stop()

    def _save_ui_state(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("calendar/view", self.calendar.view)
        self.settings.setValue("calendar/anchor", self.calendar.anchor.isoformat())

    def closeEvent(self, event) -> None:
        self._save_ui_state()
        self.live.stop()
        super().closeEvent(event)


BACKUP_CHECK_MS = 60 * 60 * 1000  # hourly: is the daily backup due?


class _StartBackup(QObject):
    """backups.auto_backup in a thread (widgets/kept_thread.start_kept); ``done``: None, or the problem."""

    done = Signal(object)

    def __init__(self, practice):
        super().__init__()
        self.practice = practice

    @Slot()
    def run(self) -> None:
        try:
            backups.auto_backup(self.practice)
            problem = None
        except ServiceError as exc:
            problem = exc
        except Exception as exc:  # noqa: BLE001 - whatever broke, the app keeps going; the report goes to the terminal
            traceback.print_exc()
            problem = exc
        self.done.emit(problem)


def backup_problem(exc: ServiceError) -> str:
    """A service's reason without the field name: the status bar already says it is the backup."""
    return getattr(exc, "message", None) or error_text(exc)


def status_legend() -> str:
    """Rich text naming each status with its symbol and colour, as the calendar draws them."""
    parts = [legend_html()]
    parts.append(f'<span style="color:{style.CLOSED_HATCH.name()}">\u26a0 practice closed</span>')
    return "&nbsp;&nbsp;".join(parts) + "&nbsp;&nbsp;&nbsp;"
