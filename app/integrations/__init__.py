"""The outside world, each behind a small interface (ARCHITECTURE "The layers"): mail (SMTP), SMS
(one HTTP provider) and secrets (the OS keyring). No business rules; they import no services."""
