"""Setting up a new practice (SPEC 1.5): name and address, time zone and money, the first
administrator, and where the file goes. Each page is checked by ``users.check_new_practice`` when
Next is pressed, and the message stands under the field it is about; nothing is written until
Create Practice succeeds (``users.create_practice`` builds the file whole or not at all). The
administrator then signs in with the password just typed twice (``users.login``).

At first start (no practice yet) the first page also offers the demo practice and an existing file:
``exec()`` then returns ``OPEN_DEMO`` or ``OPEN_FILE`` (with ``chosen_path``)."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..services.errors import ServiceError, ValidationError
from ..services.people import users
from .widgets.messages import error_label, error_text
from .widgets.money_locale import CodeBox, currency_choices, locale_choices, sample_html
from .widgets.timezone_box import TimeZoneBox

SUFFIX = ".sqlite"  # the practice file's ending, as the demo's and the README's
OPEN_DEMO, OPEN_FILE, OPEN_SERVER = 2, 3, 4  # exec() results besides Accepted / Rejected


# the choices -----------------------------------------------------------------------------------------------
def computer_locale() -> str:
    """The computer's language and region if babel knows it, else en_US."""
    from PySide6.QtCore import QLocale

    name = QLocale.system().name()
    return name if name in dict(locale_choices()) else "en_US"


def currency_of(locale: str) -> str | None:
    from babel.numbers import get_territory_currencies

    territory = locale.rpartition("_")[2]
    found = get_territory_currencies(territory, tender=True) if len(territory) == 2 else []
    return found[0] if found else None


def default_folder() -> Path:
    """Documents/Practice Desk (or the home folder's, when there is no Documents folder)."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home()) / "Practice Desk"


def file_name_for(practice_name: str) -> str:
    """A file name made from the practice's name: letters, digits, spaces, dashes."""
    stem = " ".join(re.sub(r"[^\w\- ]+", " ", practice_name).split())[:60]
    return (stem or "My Practice") + SUFFIX


# the pages ---------------------------------------------------------------------------------------------
def _with_error(widget: QWidget, name: str) -> tuple[QWidget, QLabel]:
    """The field with its own message line under it (hidden while there is nothing to say)."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    lay.addWidget(widget)
    err = error_label(name)
    err.hide()
    lay.addWidget(err)
    return box, err


def _note(text: str, name: str | None = None) -> QLabel:
    label = QLabel(text, wordWrap=True)
    if name:
        label.setObjectName(name)
    label.setStyleSheet("color: #4a5568;")
    return label


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setVerticalSpacing(10)
    return form


class NewPracticeWizard(QWizard):
    PRACTICE, ZONE_MONEY, ADMIN, FILE = range(4)

    def __init__(self, parent=None, path: Path | None = None, first_start: bool = False,
                 folder: Path | None = None, clock=None, now=None):
        """``path``: the file to create (``--db`` on a missing file); otherwise one in ``folder``
        (default: Documents/Practice Desk) named after the practice. ``clock``: for the new practice."""
        super().__init__(parent)
        self.setObjectName("newPracticeWizard")
        self.setWindowTitle("New practice \u2014 Practice Desk")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Create Practice")
        for which, name in ((QWizard.WizardButton.NextButton, "wizardNext"),
                            (QWizard.WizardButton.BackButton, "wizardBack"),
                            (QWizard.WizardButton.FinishButton, "wizardFinish"),
                            (QWizard.WizardButton.CancelButton, "wizardCancel")):
            self.button(which).setObjectName(name)
        self.clock = clock
        self.practice = None  # the new practice, open, once Create Practice succeeded
        self.user = None  # its administrator, signed in
        self.chosen_path: Path | None = None  # OPEN_FILE: the existing practice chosen on the first page
        self._folder = folder or default_folder()
        self._path_typed = path is not None  # a path given or typed is kept; otherwise it follows the name
        self.errors: dict[str, QLabel] = {}
        self._field_page: dict[str, int] = {}
        self.setPage(self.PRACTICE, self._practice_page(first_start))
        self.setPage(self.ZONE_MONEY, self._zone_money_page(now))
        self.setPage(self.ADMIN, self._admin_page())
        self.setPage(self.FILE, self._file_page(path))
        self.setMinimumSize(680, 560)

    # building ------------------------------------------------------------------------------------
    def _field(self, form: QFormLayout, page: int, label: str, widget: QWidget, field: str) -> None:
        """A row whose messages come from ``field`` (a ValidationError's field name)."""
        box, err = _with_error(widget, "error" + "".join(w.capitalize() for w in field.split()))
        form.addRow(label, box)
        self.errors[field] = err
        self._field_page[field] = page

    def _page(self, title: str, subtitle: str) -> tuple[QWizardPage, QVBoxLayout]:
        page = QWizardPage()
        page.setTitle(title)
        page.setSubTitle(subtitle)
        return page, QVBoxLayout(page)

    def _practice_page(self, first_start: bool) -> QWizardPage:
        page, lay = self._page("Your practice", "The name and address appear on invoices and receipts.")
        page.setObjectName("pagePractice")
        if first_start:
            welcome = QLabel("<b>Welcome to Practice Desk.</b> Set up your practice in four short steps "
                             "\u2014 or look around the demo practice first.", wordWrap=True)
            demo = QPushButton("Open the demo practice", objectName="openDemo")
            demo.clicked.connect(lambda: self._leave(OPEN_DEMO))
            existing = QPushButton("Open a practice file\u2026", objectName="openExisting")
            existing.clicked.connect(self._open_existing)
            server = QPushButton("Connect to a practice server\u2026", objectName="openServer")
            server.clicked.connect(lambda: self._leave(OPEN_SERVER))
            row = QHBoxLayout()
            row.addWidget(demo)
            row.addWidget(existing)
            row.addWidget(server)
            row.addStretch(1)
            lay.addWidget(welcome)
            lay.addLayout(row)
            lay.addSpacing(12)
        self.name = QLineEdit(objectName="wizardName", maxLength=120)
        self.name.setPlaceholderText("e.g. Harbour Street Therapy")
        self.address = QPlainTextEdit(objectName="wizardAddress")
        self.address.setPlaceholderText("Street, town, postcode (optional)")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(84)
        form = _form()
        self._field(form, self.PRACTICE, "Practice name", self.name, "practice name")
        self._field(form, self.PRACTICE, "Address", self.address, "practice address")
        lay.addLayout(form)
        lay.addStretch(1)
        self.name.textChanged.connect(self._name_changed)
        return page

    def _zone_money_page(self, now) -> QWizardPage:
        page, lay = self._page("Time zone and money",
                               "Sessions are booked and shown in the practice's time zone; amounts in its "
                               "currency, written the way its language and region write them.")
        page.setObjectName("pageZoneMoney")
        self.timezone = TimeZoneBox(now=now)
        self.currency = CodeBox(currency_choices(), upper=True, objectName="wizardCurrency")
        self.locale = CodeBox(locale_choices(), upper=False, objectName="wizardLocale")
        loc = computer_locale()
        self.locale.set_code(loc)
        self.currency.set_code(currency_of(loc) or "USD")
        self._currency_chosen = False
        self.sample = QLabel(objectName="wizardSample")
        form = _form()
        self._field(form, self.ZONE_MONEY, "Time zone", self.timezone, "time zone")
        self._field(form, self.ZONE_MONEY, "Language and region", self.locale, "locale")
        self._field(form, self.ZONE_MONEY, "Currency", self.currency, "currency")
        form.addRow("Amounts look like", self.sample)
        lay.addLayout(form)
        lay.addStretch(1)
        self.currency.currentTextChanged.connect(self._currency_typed)
        self.locale.currentTextChanged.connect(self._locale_changed)
        self._show_sample()
        return page

    def _admin_page(self) -> QWizardPage:
        page, lay = self._page("The first administrator",
                               "This account can change every setting and add the other users: front desk, "
                               "practitioners and more administrators.")
        page.setObjectName("pageAdmin")
        self.username = QLineEdit(objectName="wizardUsername", maxLength=64)
        self.username.setPlaceholderText("used to sign in, e.g. maria")
        self.display_name = QLineEdit(objectName="wizardDisplayName", maxLength=120)
        self.display_name.setPlaceholderText("shown in the app, e.g. Maria Lopez")
        self.password = QLineEdit(objectName="wizardPassword", echoMode=QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit(objectName="wizardPassword2", echoMode=QLineEdit.EchoMode.Password)
        form = _form()
        self._field(form, self.ADMIN, "User name", self.username, "username")
        self._field(form, self.ADMIN, "Display name", self.display_name, "display name")
        self._field(form, self.ADMIN, "Password", self.password, "password")
        self._field(form, self.ADMIN, "Password again", self.password2, "repeat password")
        lay.addLayout(form)
        lay.addWidget(_note(f"At least {users.MIN_PASSWORD} characters. Nobody can read it back, not even an "
                            "administrator: keep it somewhere safe."))
        lay.addStretch(1)
        return page

    def _file_page(self, path: Path | None) -> QWizardPage:
        page, lay = self._page("Where to keep the practice",
                               "Everything of the practice is in this one file. Put it in a folder your "
                               "computer backs up.")
        page.setObjectName("pageFile")
        self.path = QLineEdit(str(path) if path else "", objectName="wizardPath")
        self.path.textEdited.connect(self._path_edited)
        choose = QPushButton("Choose\u2026", objectName="wizardChoosePath")
        choose.clicked.connect(self._choose_path)
        row = QWidget()
        row_lay = QHBoxLayout(row)
        row_lay.setContentsMargins(0, 0, 0, 0)
        row_lay.addWidget(self.path, 1)
        row_lay.addWidget(choose)
        form = _form()
        self._field(form, self.FILE, "Practice file", row, "practice file")
        lay.addLayout(form)
        self.summary = _note("", "wizardSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary)
        lay.addStretch(1)
        self.path.textChanged.connect(self._show_summary)
        if not path:
            self._name_changed(self.name.text())
        return page

    # live behaviour ------------------------------------------------------------------------------
    def _name_changed(self, text: str) -> None:
        if not self._path_typed and hasattr(self, "path"):
            self.path.setText(str(self._folder / file_name_for(text)))

    def _path_edited(self, _text: str) -> None:
        self._path_typed = True

    def _currency_typed(self, _text: str) -> None:
        if self.currency.hasFocus():
            self._currency_chosen = True
        self._show_sample()

    def _locale_changed(self, _text: str) -> None:
        """A new region brings its currency along until a currency is chosen by hand."""
        own = currency_of(self.locale.code())
        if own and not self._currency_chosen:
            self.currency.set_code(own)
        self._show_sample()

    def _show_sample(self) -> None:
        self.sample.setText(sample_html(self.currency.code(), self.locale.code()))

    def _show_summary(self) -> None:
        path = Path(self.path.text().strip() or ".")
        self.summary.setText(
            f"Automatic backups are kept beside it, in the folder \u201c{path.stem} backups\u201d.<br><br>"
            f"<b>{self.name.text().strip() or 'The practice'}</b> will be created with "
            f"<b>{self.username.text().strip() or 'its administrator'}</b> as administrator, and opened.")

    def initializePage(self, page_id: int) -> None:
        super().initializePage(page_id)
        if page_id == self.FILE:
            self._show_summary()

    def _ask_file(self, caption: str, save: bool) -> Path | None:
        dialog = QFileDialog(self, caption, str(self._folder), f"Practice files (*{SUFFIX});;All files (*)")
        dialog.setObjectName("practiceFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
        dialog.setDefaultSuffix(SUFFIX[1:])
        if save:
            dialog.selectFile(Path(self.path.text()).name)
        chosen = dialog.selectedFiles() if dialog.exec() == QFileDialog.DialogCode.Accepted else []
        dialog.deleteLater()
        return Path(chosen[0]) if chosen else None

    def _choose_path(self) -> None:
        chosen = self._ask_file("New practice file", save=True)
        if chosen is not None:
            self.path.setText(str(chosen))
            self._path_typed = True

    def _open_existing(self) -> None:
        chosen = self._ask_file("Open a practice file", save=False)
        if chosen is not None:
            self.chosen_path = chosen
            self._leave(OPEN_FILE)

    def _leave(self, result: int) -> None:
        """Close with ``result`` without checking the page (QWizard.done would check it first)."""
        QDialog.done(self, result)

    # checking and creating ---------------------------------------------------------------------------
    def values(self) -> dict:
        """What ``users.create_practice`` is given, as typed."""
        return dict(path=self.path.text().strip(), name=self.name.text(), address=self.address.toPlainText(),
                    timezone=self.timezone.zone(), currency=self.currency.code(), locale=self.locale.code(),
                    admin_username=self.username.text(), admin_display_name=self.display_name.text(),
                    admin_password=self.password.text())

    PAGE_FIELDS = {PRACTICE: ("name", "address"), ZONE_MONEY: ("timezone", "locale", "currency"),
                   ADMIN: ("admin_username", "admin_display_name", "admin_password"), FILE: ("path",)}

    def show_error(self, field: str, message: str) -> None:
        label = self.errors.get(field) or self.errors["practice file"]
        label.setText(message)
        label.show()

    def _clear_errors(self, page_id: int) -> None:
        for field, label in self.errors.items():
            if self._field_page[field] == page_id:
                label.clear()
                label.hide()

    def _check_page(self, page_id: int) -> bool:
        """Check this page's fields one by one, so each wrong one says so under itself."""
        self._clear_errors(page_id)
        values, ok = self.values(), True
        for key in self.PAGE_FIELDS[page_id]:
            try:
                users.check_new_practice(**{key: values[key]})
            except ValidationError as exc:
                ok = False
                self.show_error(exc.field, self._message(exc))
        if page_id == self.ADMIN and self.password.text() != self.password2.text():
            ok = False
            self.show_error("repeat password", "The two passwords differ. Type the same password twice.")
        return ok

    def _message(self, exc: ValidationError) -> str:
        if exc.field == "time zone" and exc.field in self.errors:
            zone = self.timezone.zone()
            if not zone:
                return "Choose a time zone: type a city such as New York or London."
            return f"No time zone is called \u201c{zone}\u201d. Type a city such as New York or London."
        return error_text(exc)

    def validateCurrentPage(self) -> bool:
        page_id = self.currentId()
        if not self._check_page(page_id):
            return False
        return self._create() if page_id == self.FILE else True

    def _create(self) -> bool:
        from .network_share_warning import confirm_network_file

        values = self.values()
        if values["path"] and not confirm_network_file(Path(values["path"]), self, go_text="Create Anyway"):
            return False
        try:
            practice = users.create_practice(**values, clock=self.clock)
        except ValidationError as exc:  # checked page by page already; a file made meanwhile, say
            self.show_error(exc.field, self._message(exc))
            self._go_to(self._field_page.get(exc.field, self.FILE))
            return False
        except OSError as exc:  # a folder that cannot be written
            self.show_error("practice file", f"The file cannot be made there ({exc.strerror or exc}). "
                                             "Choose another folder.")
            return False
        try:
            self.user = users.login(practice, values["admin_username"], values["admin_password"])
        except ServiceError as exc:  # cannot happen with the password just set; said if it does
            practice.close()
            self.show_error("practice file", str(exc))
            return False
        self.practice = practice
        return True

    def _go_to(self, page_id: int) -> None:
        def back():
            while self.currentId() > page_id:
                self.back()
        QTimer.singleShot(0, self, back)
