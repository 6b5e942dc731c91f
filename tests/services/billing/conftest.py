from tests.messaging_servers import memory_keyring, sms_provider, smtp_server  # noqa: F401
