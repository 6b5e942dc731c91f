"""E-mail and SMS (SPEC 7.1, 7.2, 7.4): the message settings (secrets in the OS keyring only, SPEC
0.6) and the outbox every message goes through, with its status, error and retries. No Qt."""
