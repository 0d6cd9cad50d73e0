"""Text messages, the way Django sends mail: one function, a backend chosen by settings.

``SMS_BACKEND`` names a class with ``send(to: str, text: str) -> None`` that raises on failure. The portal
ships three: the console (prints each message; the default, as for mail), an in-memory outbox (the tests) and
one that drops everything. The commune's provider plugs in as a class of its own, named in the setting, with
whatever credentials it reads from its own settings; nothing else changes.
"""

import sys

from django.conf import settings
from django.utils.module_loading import import_string

# What the tests read, as django.core.mail.outbox: (to, text) pairs.
outbox: list[tuple[str, str]] = []


class ConsoleBackend:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> None:
        self.stream.write(f"SMS to {to}: {text}\n")
        self.stream.flush()


class LocmemBackend:
    def send(self, to: str, text: str) -> None:
        outbox.append((to, text))


class DummyBackend:
    def send(self, to: str, text: str) -> None:
        pass


def send_sms(to: str, text: str) -> None:
    """Send one message through the configured backend (its errors are the caller's to handle)."""
    import_string(settings.SMS_BACKEND)().send(to, text)
