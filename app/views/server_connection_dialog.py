"""File ▸ Connect to Practice Server… (issue 17 item 1): the server, port, database and user name of a
practice kept on a PostgreSQL server, and its password, which goes to this computer's keyring only
(``services.practice_server``). Test Connection says whether the practice is there without opening it;
Connect opens it. Both run off the GUI thread (``widgets.background_call``) with the driver's own
time limit, so the window never freezes on a server that does not answer.

Once accepted, ``opened`` holds the practice (open; the caller signs someone in to it, as for a file).
``connect_now``: try at once with the password kept on this computer (File ▸ Open Recent, and the start
of the app on a server practice); what went wrong, if anything, is shown with the fields to correct."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..services import practice_server
from ..services.errors import ServiceError, ValidationError
from .widgets.background_call import BackgroundCall
from .widgets.messages import error_label
from .widgets.secret_field import no_keyring_banner, secret_field

OK_STYLE = "color: #276749;"
FIELDS = ("server", "port", "database", "user name", "password")


class ServerConnectionDialog(QDialog):
    def __init__(self, parent=None, address: practice_server.ServerAddress | None = None,
                 connect_now: bool = False, clock=None):
        super().__init__(parent)
        self.setObjectName("serverConnectionDialog")
        self.setWindowTitle("Connect to Practice Server \u2014 Practice Desk")
        self.clock = clock
        self.opened: practice_server.ServerPractice | None = None
        self.call: BackgroundCall | None = None
        intro = QLabel("Open a practice kept on a PostgreSQL database server, which every desk of the practice "
                       "can use at the same time. Whoever set up the server can give you these details.",
                       objectName="serverIntro", wordWrap=True)
        self.host = QLineEdit(objectName="serverHost", maxLength=253)
        self.host.setPlaceholderText("e.g. db.practice.lan or 192.168.1.20")
        self.port = QLineEdit(objectName="serverPort", maxLength=5, text=str(practice_server.DEFAULT_PORT))
        self.port.setMaximumWidth(90)
        self.database = QLineEdit(objectName="serverDatabase", maxLength=63)
        self.database.setPlaceholderText("e.g. practice")
        self.user = QLineEdit(objectName="serverUser", maxLength=63)
        self.password = secret_field("serverPassword")
        self.password.setMaxLength(1024)
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        for label, widget, field in (("Server", self.host, "server"), ("Port", self.port, "port"),
                                     ("Database", self.database, "database"), ("User name", self.user, "user name"),
                                     ("Password", self.password, "password")):
            form.addRow(label, self._with_error(widget, field))
        self.keyring_banner = no_keyring_banner("serverNoKeyring")
        self.status = QLabel(objectName="serverStatus", wordWrap=True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        self.test_button = QPushButton("Test Connection", objectName="serverTest")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("Connect")
        self.connect_button.setObjectName("serverConnect")
        self.connect_button.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("serverCancel")
        buttons.accepted.connect(self.connect_to_server)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.keyring_banner)
        layout.addWidget(self.status)
        layout.addStretch(1)
        row = QHBoxLayout()  # Test Connection apart, on the left: it opens nothing
        row.addWidget(self.test_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.setMinimumWidth(560)
        for field in (self.host, self.port, self.database, self.user):
            field.editingFinished.connect(self._show_password_state)
        if address is not None:
            self.host.setText(address.host)
            self.port.setText(str(address.port))
            self.database.setText(address.database)
            self.user.setText(address.user)
        self._show_password_state()
        (self.password if address is not None else self.host).setFocus()
        if connect_now and address is not None:
            QTimer.singleShot(0, self, self.connect_to_server)

    def _with_error(self, widget: QWidget, field: str) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        err = error_label("error" + "".join(w.capitalize() for w in field.split()))
        err.hide()
        lay.addWidget(err)
        self.errors[field] = err
        return box

    # what was typed --------------------------------------------------------------------------------------
    def _address(self) -> practice_server.ServerAddress:
        return practice_server.check_address(self.host.text(), self.port.text(), self.database.text(),
                                             self.user.text())

    def _show_password_state(self) -> None:
        ok, why = practice_server.keyring_state()
        self.keyring_banner.setText(f"{why} Practice Desk will ask for the server's password each time." if not ok
                                    else "")
        self.keyring_banner.setVisible(not ok)
        try:
            saved = ok and practice_server.has_saved_password(self._address())
        except ValidationError:
            saved = False
        self.password.setPlaceholderText("saved on this computer; leave empty to use it, or type to replace it"
                                         if saved else "kept in this computer's password store, nowhere else"
                                         if ok else "asked each time (no password store on this computer)")

    def _clear(self) -> None:
        for err in self.errors.values():
            err.clear()
            err.hide()
        self.status.clear()
        self.status.hide()

    def show_error(self, exc: Exception) -> None:
        """A field's problem under that field; a connection's in the status line, the field it is about
        focused."""
        if isinstance(exc, ValidationError) and exc.field in self.errors:
            err = self.errors[exc.field]
            err.setText(f"{exc.field.capitalize()} {exc.message}.")
            err.show()
            self._field(exc.field).setFocus()
            return
        if isinstance(exc, ServiceError):
            text = str(exc)
        else:  # not expected: said as such, the details on the terminal
            import traceback

            traceback.print_exception(exc)
            text = f"The practice could not be opened because of an unexpected error ({type(exc).__name__})."
        self._say(text, ok=False)
        field = getattr(exc, "field", "")
        if field in self.errors:
            widget = self._field(field)
            widget.setFocus()
            widget.selectAll()

    def _say(self, text: str, ok: bool) -> None:
        self.status.setStyleSheet(OK_STYLE if ok else "color: #c53030;")
        self.status.setText(text)
        self.status.show()

    def _field(self, name: str) -> QLineEdit:
        return {"server": self.host, "port": self.port, "database": self.database, "user name": self.user,
                "password": self.password}[name]

    # testing and connecting, off the GUI thread ---------------------------------------------------------
    def _start(self, text: str, fn, on_done) -> None:
        self._clear()
        try:
            address = self._address()
            password = practice_server.check_password(self.password.text())
        except ValidationError as exc:
            self.show_error(exc)
            return
        self.test_button.setEnabled(False)
        self.connect_button.setEnabled(False)
        self.call = BackgroundCall(self, f"{text} {address.label}\u2026", fn, address, password,
                                   title="Practice server")
        self.call.finished.connect(on_done)
        self.call.start()

    def _ended(self) -> None:
        self.test_button.setEnabled(True)
        self.connect_button.setEnabled(True)

    def test(self) -> None:
        self._start("Testing the connection to", practice_server.try_connection, self._tested)

    def _tested(self, result) -> None:
        self._ended()
        if isinstance(result, Exception):
            self.show_error(result)
        else:
            self._say(result, ok=True)

    def connect_to_server(self) -> None:
        clock = self.clock
        self._start("Connecting to", lambda a, p: practice_server.connect(a, p, clock=clock), self._connected)

    def _connected(self, result) -> None:
        self._ended()
        if isinstance(result, Exception):
            self.show_error(result)
            return
        if not self.isVisible():  # closed meanwhile: nobody will use it
            result.practice.close()
            return
        self.opened = result
        self.password.clear()
        self.accept()
