"""A client's record: details, balance and available credit, the packages they bought with what is
left of each, upcoming and past sessions, and "Book session…" and "Sell package…" from here
(SPEC 1.5, 2.3, 6, 6.3); for the front desk a Payments tab (payments/payment_history_widget.py, SPEC 9.3)
and the card on file (payments/card_on_file_box.py, SPEC 10.4)."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..models.enums import PrepaymentMode
from ..services import practice_settings
from ..services.errors import ServiceError
from ..services.money import packages
from ..services.money.packages import SaleView
from ..services.people.capabilities import capabilities
from ..services.people.client_record import ClientRecord, client_record
from ..services.scheduling.session_views import SessionView
from .events import events_near
from .payments.card_on_file_box import CardOnFileBox
from .payments.payment_history_widget import PaymentHistoryWidget
from .widgets.balance_text import balance_color, balance_text
from .widgets.messages import error_label
from .widgets.package_text import sessions_text
from .widgets.rows_model import Column, RowsTableModel

_MUTED = "color: #4a5568;"
PACKAGE_ROWS = 4  # the packages table shows this many rows before it scrolls


def credit_text(cents: int, money) -> str:
    """Available credit (SPEC 6): what is paid beyond saved charges and booked sessions."""
    if cents < 0:
        return f"Short by {money(-cents)} for the sessions booked"
    return money(cents)


def _when(s: SessionView) -> str:
    return f"{s.start:%a %d %b %Y}, {s.start:%H:%M}\u2013{s.end:%H:%M}"


class ClientRecordDialog(QDialog):
    """``booked`` turns True once a session was booked from here (the caller refreshes the calendar);
    ``sold`` once a package was sold here (a payment: the caller announces the ledger change)."""

    def __init__(self, practice, actor, client_id: int, money, parent=None):
        super().__init__(parent)
        self.setObjectName("clientRecordDialog")
        self.practice, self.actor, self.client_id, self.money = practice, actor, client_id, money
        self.caps = capabilities(actor)
        self.booked = False
        self.sold = False
        self.record: ClientRecord | None = None
        self.sales: list[SaleView] = []

        self.name = QLabel(objectName="recordName")
        self.name.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.details = QLabel(objectName="recordDetails", wordWrap=True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.balance = QLabel(objectName="recordBalance")
        self.credit = QLabel(objectName="recordCredit")
        figures = QGridLayout()
        for row, (title, value) in enumerate((("Balance", self.balance), ("Available credit", self.credit))):
            label = QLabel(title)
            label.setStyleSheet(_MUTED)
            figures.addWidget(label, row, 0)
            figures.addWidget(value, row, 1)
        figures.setColumnStretch(2, 1)
        self.figures = figures

        columns = [Column("When", _when), Column("Service", lambda s: s.service_name),
                   Column("Practitioner", lambda s: s.practitioner_name), Column("Status", lambda s: s.label)]
        self.upcoming_model, self.past_model = RowsTableModel(columns, self), RowsTableModel(columns, self)
        self.upcoming_title, self.past_title = QLabel(objectName="recordUpcomingTitle"), QLabel(
            objectName="recordPastTitle")
        self.upcoming = self._table(self.upcoming_model, "recordUpcoming")
        self.past = self._table(self.past_model, "recordPast")

        self.packages_model = RowsTableModel([
            Column("Package", lambda p: p.package_name),
            Column("Sold on", lambda p: f"{p.sold_at.astimezone(practice.tz):%a %d %b %Y}"),
            Column("Sessions", lambda p: p.sessions, align_right=True),
            Column("Used", lambda p: p.used, align_right=True),
            Column("Remaining", lambda p: p.remaining, align_right=True),
        ], self)
        self.packages_title = QLabel(objectName="recordPackagesTitle")
        self.packages = self._table(self.packages_model, "recordPackages", widths=(230, 200, 90, 90))
        self.sell_button = QPushButton("Sell package\u2026", objectName="recordSellPackage")
        self.sell_button.setAutoDefault(False)
        self.sell_button.clicked.connect(self.sell_package)

        self.error = error_label("recordError")
        self.error.hide()
        self.book_button = QPushButton("Book session\u2026", objectName="recordBook")
        self.book_button.clicked.connect(self.book_session)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("recordClose")
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.book_button)
        bottom.addWidget(self.sell_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self.details)
        layout.addLayout(figures)
        self.card_box = None  # the front desk's: the card on file (SPEC 10.4)
        if self.caps.front_desk:
            self.card_box = CardOnFileBox(practice, actor, client_id, parent=self)
            titles = [figures.itemAtPosition(r, 0).widget() for r in range(2)]
            self.card_box.align_title(max(t.sizeHint().width() for t in titles) + figures.horizontalSpacing())
            layout.addWidget(self.card_box)
            events = events_near(self)
            if events is not None:  # a card saved meanwhile (the background check) shows at once
                events.clients_changed.connect(self.card_box.reload)
                self.finished.connect(lambda _r: events.clients_changed.disconnect(self.card_box.reload))
        sessions_page = QWidget(objectName="recordSessionsPage")
        page = QVBoxLayout(sessions_page)
        for title, table, stretch in ((self.packages_title, self.packages, 0), (self.upcoming_title, self.upcoming, 1),
                                      (self.past_title, self.past, 1)):
            title.setStyleSheet("font-weight: bold; margin-top: 8px;")
            page.addWidget(title)
            page.addWidget(table, stretch)
        self.payments = PaymentHistoryWidget(practice, actor, client_id, money, parent=self)  # the front desk's
        self.payments.layout().setContentsMargins(9, 4, 9, 9)
        self.payments.changed.connect(self.reload)  # the balance and credit above follow each payment
        self.tabs = QTabWidget(objectName="recordTabs")
        self.tabs.addTab(sessions_page, "Sessions")
        self.tabs.addTab(self.payments, "Payments")
        self.tabs.setTabVisible(1, self.caps.front_desk)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.resize(900, 640)
        self.reload()

    def _table(self, model, name: str, widths=(230, 200, 160)) -> QTableView:
        """Read-only rows; the columns take ``widths`` and the last one the rest."""
        table = QTableView(objectName=name)
        table.setModel(model)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        for col, width in enumerate(widths):
            header.resizeSection(col, width)
        header.setSectionResizeMode(len(widths), QHeaderView.ResizeMode.Stretch)
        return table

    def reload(self) -> None:
        try:
            r = self.record = client_record(self.practice, self.actor, self.client_id)
        except ServiceError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.book_button.setEnabled(False)
            return
        c = r.client
        self.setWindowTitle(f"{c.name} \u2014 client record")
        self.payments.client_name = c.name
        self.payments.reload()
        self.name.setText(c.name + ("  (archived)" if c.archived else ""))
        self.details.setText(self._details_html(r))
        shown = r.balance_cents is not None
        for widget in (self.balance, self.credit):
            widget.setVisible(shown)
        for i in range(self.figures.count()):
            self.figures.itemAt(i).widget().setVisible(shown)
        if shown:
            self.balance.setText(balance_text(r.balance_cents, self.money))
            color = balance_color(r.balance_cents)
            self.balance.setStyleSheet(f"color: {color.name()};" if color else "")
            self.credit.setText(credit_text(r.available_credit_cents, self.money))
        self.upcoming_model.set_rows(r.upcoming)
        self.past_model.set_rows(r.past)
        self.upcoming.setVisible(bool(r.upcoming))  # the heading says when there are none
        self.past.setVisible(bool(r.past))
        self.upcoming_title.setText(self._title("Upcoming sessions", len(r.upcoming), r.more_upcoming,
                                                "No upcoming sessions."))
        self.past_title.setText(self._title("Past sessions", len(r.past), r.more_past, "No past sessions yet."))
        self.book_button.setEnabled(not c.archived)
        self._show_packages(c.archived)

    def _show_packages(self, archived: bool) -> None:
        """The front desk sees the client's packages in package mode, or whenever they bought one."""
        shown = self.caps.front_desk
        if shown:
            try:
                self.sales = packages.client_packages(self.practice, self.actor, self.client_id)
                mode = practice_settings.get_settings(self.practice, self.actor)["prepayment_mode"]
            except ServiceError as exc:
                self.error.setText(str(exc))
                self.error.show()
                self.sales, mode = [], None
            shown = mode == PrepaymentMode.PACKAGE or bool(self.sales)
        for widget in (self.packages_title, self.packages, self.sell_button):
            widget.setVisible(shown)
        if not shown:
            return
        self.packages_model.set_rows(self.sales)
        self.packages.setVisible(bool(self.sales))
        self.packages.setFixedHeight(self._rows_height(self.packages, min(len(self.sales), PACKAGE_ROWS)))
        left = sum(s.remaining for s in self.sales)
        self.packages_title.setText(f"Packages ({len(self.sales)}) \u2014 {sessions_text(left)} left"
                                    if self.sales else "Packages \u2014 none bought yet.")
        self.sell_button.setEnabled(not archived)

    @staticmethod
    def _rows_height(table: QTableView, rows: int) -> int:
        return (table.horizontalHeader().sizeHint().height() + rows * table.verticalHeader().defaultSectionSize()
                + 2 * table.frameWidth() + 4)

    @staticmethod
    def _title(title: str, n: int, more: bool, empty: str) -> str:
        if n == 0:
            return f"{title} \u2014 {empty}"
        return f"{title} (the {n} nearest)" if more else f"{title} ({n})"

    def _details_html(self, r: ClientRecord) -> str:
        c = r.client
        if c.details_hidden:
            return f"<span style='{_MUTED}'>Contact details and notes are kept by the front desk.</span>"
        parts = [escape(x) for x in (c.email, c.phone) if x]
        lines = [" \u00b7 ".join(parts)] if parts else []
        if c.address:
            lines.append(escape(c.address).replace("\n", "<br>"))
        if c.notes:
            lines.append(f"<i>{escape(c.notes)}</i>")
        return "<br>".join(lines) or f"<span style='{_MUTED}'>No contact details yet.</span>"

    def book_session(self) -> None:
        """The session dialog with this client already chosen; the record refreshes once it saves."""
        from .session_dialog import SessionDialog

        dialog = SessionDialog(self.practice, self.actor, parent=self)
        dialog.clients.set_selected([self.client_id])
        self.session_dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.booked = True
            self.reload()
        dialog.deleteLater()

    def sell_package(self) -> None:
        """Sell package…: once sold, the balance, credit and packages here show it at once."""
        from .sell_package_dialog import SellPackageDialog

        name = self.record.client.name if self.record else ""
        dialog = SellPackageDialog(self.practice, self.actor, self.client_id, name, self.money, parent=self)
        self.sell_dialog = dialog
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.sold is not None:
            self.sold = True
            self.reload()
        dialog.deleteLater()
