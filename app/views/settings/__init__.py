"""Settings panels (admin): the practice (name, address, time zone, money, working hours), users,
practitioners, services, locations, custom session status and session control, held by
``settings_dialog.SettingsDialog`` as pages (SPEC 1.5)."""
