"""systemd's notify protocol (``Type=notify``), spoken directly over its datagram socket.

Outside systemd ``NOTIFY_SOCKET`` is unset and every call is a no-op, so the daemon runs
the same under a terminal, a test and the service manager.
"""

from __future__ import annotations

import os
import socket
import time
from contextlib import suppress


class Notifier:
    """Tells systemd when the daemon is ready, what it is doing, and that it is alive."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        # An address starting with "@" is in Linux's abstract namespace.
        self._address = "\0" + address[1:] if address.startswith("@") else address
        watchdog_usec = env.get("WATCHDOG_USEC", "")
        watchdog_pid = env.get("WATCHDOG_PID", "")
        owned = not watchdog_pid or watchdog_pid == str(os.getpid())
        self.watchdog_interval_s: float | None = (
            int(watchdog_usec) / 1_000_000 if watchdog_usec.isdigit() and owned else None
        )
        self._last_progress = time.monotonic()

    @property
    def enabled(self) -> bool:
        return bool(self._address)

    def notify(self, *fields: str) -> None:
        if not self._address:
            return
        # systemd going away must not take the daemon with it.
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock, suppress(OSError):
            # Never block the event loop on a service manager that does not read.
            sock.setblocking(False)
            sock.sendto("\n".join(fields).encode(), self._address)

    def ready(self, status: str) -> None:
        self.notify("READY=1", f"STATUS={status}")

    def status(self, status: str) -> None:
        self.notify(f"STATUS={status}")

    def stopping(self) -> None:
        self.notify("STOPPING=1", "STATUS=stopping")

    def progressed(self) -> None:
        """Record that the main loop moved; only then will the watchdog be fed."""
        self._last_progress = time.monotonic()

    def feed_watchdog_if_progressing(self) -> bool:
        """Send WATCHDOG=1 only if the loop progressed within one watchdog interval,
        so a wedged loop is restarted by systemd instead of being kept alive."""
        if self.watchdog_interval_s is None:
            return False
        if time.monotonic() - self._last_progress > self.watchdog_interval_s:
            return False
        self.notify("WATCHDOG=1")
        return True
