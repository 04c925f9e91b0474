"""Find a Chromium for the browser tests, or say exactly what to install.

Order: $CHROMIUM_PATH, Debian's /usr/bin/chromium (and its usual aliases), then Playwright's own
browser download (which fails on machines without internet). Run as a script it prints the path
and exits 0, or prints what to install and exits 1, so `make test` stops before pytest starts.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
_INSTALL_HINT = (
    "No Chromium found for the browser tests. Install one with `apt-get install -y chromium` "
    "(Debian/Ubuntu) or `python -m playwright install chromium`, or point CHROMIUM_PATH at a "
    "Chrome/Chromium binary."
)


def _playwright_chromium() -> str | None:
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH", os.path.expanduser("~/.cache/ms-playwright"))
    found = sorted(glob.glob(os.path.join(root, "chromium-*", "chrome-linux*", "chrome")))
    return found[-1] if found else None


def chromium_path(*, allow_download: bool = False) -> str | None:
    """Return the path of a usable Chromium binary, or None."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit and os.access(explicit, os.X_OK):
        return explicit
    for candidate in _CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if _playwright_chromium() is None and allow_download:
        subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"],
            check=False,
            timeout=600,
        )
    return _playwright_chromium()


if __name__ == "__main__":
    path = chromium_path(allow_download=True)
    if path is None:
        print(_INSTALL_HINT, file=sys.stderr)
        sys.exit(1)
    print(f"Browser tests will use {path}")
