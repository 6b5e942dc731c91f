"""Settings > Locations (SPEC 1.4): each location's name and its Client Booking flag (only flagged
locations are offered for client requests). Locations are archived, never deleted."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from ...services.scheduling import catalog
from ..widgets.record_table import RichColumn
from .record_panel import RecordPanel, Stack, name_text, yes_no

INTRO = ("Where sessions take place. Tick Client booking for the locations clients may ask to book. "
         "A location that is no longer used is archived: past sessions keep it.")


class LocationsPanel(RecordPanel):
    noun = "location"
    prefix = "locations"

    def __init__(self, practice, actor, parent=None):
        super().__init__(practice, actor, "Locations", INTRO, [
            RichColumn("Name", name_text),
            RichColumn("Client booking", lambda r: yes_no(r.client_booking)),
        ], parent)
        self.name = QLineEdit(objectName="locationName", maxLength=120)
        self.client_booking = QCheckBox("Clients may request sessions here", objectName="locationClientBooking")
        self.form.addRow("Name", Stack(self.name, self.errors.line("Name", "name")))
        self.form.addRow("Client booking", Stack(self.client_booking, self.errors.line("Booking", "client booking")))
        self.reload()

    def fetch(self, include_archived: bool) -> list:
        return catalog.list_locations(self.practice, self.actor, include_archived=include_archived)

    def fill(self, row) -> None:
        self.name.setText(row.name if row else "")
        self.client_booking.setChecked(bool(row and row.client_booking))

    def store(self, row):
        if row is None:
            return catalog.create_location(self.practice, self.actor, self.name.text(),
                                           self.client_booking.isChecked())
        return catalog.update_location(self.practice, self.actor, row.id, self.name.text(),
                                       self.client_booking.isChecked())

    def archive(self, row, archived: bool):
        return catalog.set_location_archived(self.practice, self.actor, row.id, archived)
