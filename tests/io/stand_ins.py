"""Stand-ins for parsers, run by the sandbox in a child process: each takes the upload's bytes
(a number, as text) and misbehaves in one way. Module-level, so the child imports them by name.
"""

from __future__ import annotations

import os
import signal
import time


def allocate(data: bytes) -> None:
    bytearray(int(data))


def hang(data: bytes) -> None:
    time.sleep(float(data))


def spin(data: bytes) -> None:
    sum(range(int(data)))


def exit_now(data: bytes) -> None:
    os._exit(int(data))


def segfault(data: bytes) -> None:
    signal.raise_signal(signal.SIGSEGV)
