"""Run `immkit` in a pseudo-terminal and talk to it like a person at a keyboard.

A tiny expect: the child's output is read as it comes (select on the pty), ANSI escapes
are stripped, and `expect` waits for a pattern with a generous deadline instead of
sleeping. Keys are written to the pty as a terminal would send them.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping
from types import TracebackType

DOWN = "\x1b[B"
ENTER = "\r"
_CPR = "\x1b[6n"  # prompt_toolkit's cursor position request
_ANSI = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\][^\x07]*\x07"
)


def plain(text: str) -> str:
    """The text a person would read: no colours, no cursor moves."""
    return _ANSI.sub("", text).replace("\r", "")


class Terminal:
    """`immkit ARGS` attached to a fresh pty of a fixed size."""

    def __init__(self, args: list[str], env: Mapping[str, str], cols: int = 200) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, cols, 0, 0))
        self._fd = master
        self.raw = ""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "immkit", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)

    @property
    def text(self) -> str:
        return plain(self.raw)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self._fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not chunk:
            return False
        text = chunk.decode("utf-8", errors="replace")
        for _ in range(text.count(_CPR)):  # where is the cursor? answer as a terminal does
            os.write(self._fd, b"\x1b[1;1R")
        self.raw += text
        return True

    def expect(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        """Wait until the screen text so far matches `pattern` (a regex)."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.text)
            if found:
                return found
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(min(left, 0.5)):
                if (found := re.search(pattern, self.text)) is not None:
                    return found
                raise AssertionError(f"never saw {pattern!r}; the terminal shows:\n{self.text}")

    def send(self, keys: str) -> None:
        os.write(self._fd, keys.encode())

    def wait(self, timeout: float = 60.0) -> int:
        """Read until the child exits; its exit code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.5):
            if self.proc.poll() is not None and not select.select([self._fd], [], [], 0)[0]:
                break
        return self.proc.wait(timeout=max(deadline - time.monotonic(), 1))

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self._fd)
