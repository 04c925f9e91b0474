"""A hostile upload in one session, against the real `streamlit run`: the others never notice.

Issue 16's blocker: 526 KB of empty ``<row/>`` elements took the server from 531 MB to 5.6 GB
and slowed every other session's reruns from 0.3 s to 3-9 s. Here one session uploads that
file while a second one changes K; the second rerun completes, the first reads one sentence,
and the server's resident memory stays under :data:`RSS_BOUND_MB` above what it was before
the upload (the parse happens in a child process with its own hard limits).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app, wait_for_chart
from tests.io.hostile import empty_rows_xlsx

SUMMARY = "[data-testid=stAlertContentSuccess]"
SIDEBAR_ERROR = "[data-testid=stSidebar] [data-testid=stAlertContentError]"
#: Most the server's resident memory may grow (MB) while the bomb is read elsewhere. The
#: bomb itself is 0.5 MB; before the fix the growth was over 5,000 MB and still climbing.
RSS_BOUND_MB = 200


def server_pid(app_url: str) -> int:
    """The pid of the `streamlit run` process serving ``app_url`` (found by its port)."""
    port = str(urlparse(app_url).port)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in args]
        if "streamlit" in " ".join(words) and "run" in words and port in words:
            return int(entry.name)
    pytest.fail(f"no streamlit process serves port {port}")


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


class RssWatch:
    """Samples a process's resident memory until stopped; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every, self.peak = pid, every, rss_mb(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):  # a sampling period, not a wait for a state
            self.peak = max(self.peak, rss_mb(self.pid))

    def __enter__(self) -> RssWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def open_explore(page, app_url: str) -> None:
    page.goto(f"{app_url}/Explore")
    wait_for_chart(page, "explore_run_chart")
    wait_for_app(page)


@pytest.fixture()
def second_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def test_empty_rows_bomb_in_one_session_leaves_the_others_and_the_server_alone(
        page, second_page, app_url, tmp_path):
    bomb = tmp_path / "empty_rows.xlsx"
    # 30 million empty rows: 260 KB, 180 MB of XML, no <dimension>. The 60 million
    # (360 MB) are refused before unpacking by the 200 MB per-part limit; this one is under
    # it, so the child streams it and stops at the row limit while the other session works.
    bomb.write_bytes(empty_rows_xlsx(30_000_000))
    open_explore(page, app_url)
    open_explore(second_page, app_url)
    pid = server_pid(app_url)
    before = rss_mb(pid)
    with RssWatch(pid) as watch:
        page.locator(".st-key-sb_upload input[type=file]").set_input_files(str(bomb))
        # Meanwhile, the other session moves K and its rerun completes.
        slider = second_page.locator(".st-key-sb_k input[type=range]")
        slider.focus()
        slider.press("ArrowRight")
        expect(second_page.locator(SUMMARY).first).to_contain_text("K=4")
        wait_for_app(second_page)
        # The uploader reads one sentence and keeps Iris.
        error = page.locator(SIDEBAR_ERROR)
        error.wait_for()
        wait_for_app(page)
    message = error.inner_text().strip()
    print(f"server RSS {before:.0f} MB before the upload, peak {watch.peak:.0f} MB; {message}")
    assert "more than 1,000,000 rows (counting empty ones)" in message, message
    assert "K=3 on 150 rows" in page.locator(SUMMARY).first.inner_text()
    assert watch.peak - before < RSS_BOUND_MB, (
        f"server RSS went from {before:.0f} MB to {watch.peak:.0f} MB")
    screenshot(page, "hostile_upload_refused")


def test_pages_load_nothing_from_other_hosts_and_the_favicon_is_the_apps(page, app_url):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    open_explore(page, app_url)
    icon = page.locator("link[rel~=icon]").first.get_attribute("href")
    assert icon and (icon.startswith("/") or icon.startswith(app_url)), icon
    assert "/media/" in icon  # set_page_config's own file, served by this server
    assert hosts <= {urlparse(app_url).hostname}, hosts - {urlparse(app_url).hostname}
