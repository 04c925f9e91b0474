"""Fixtures that serve the real app with `streamlit run` and drive it in Chromium via Playwright.

No test sleeps for a fixed time: each waits for the condition it needs, so a loaded machine
makes the suite slower, never red. The helpers here are the conditions:

- :func:`wait_for_app`: the script finished and nothing is stale (STYLE.md's recipe);
- :func:`rerun`: around an action, waits until the rerun that action started has finished;
- :func:`press`: keys on a widget, one rerun at a time;
- :func:`settle`: the window has its new size, every plotly chart is laid out and painted;
- :func:`hover_point`: plotly has the point under the mouse (so a click picks that point);
- :func:`eventually`: re-measures something only a screenshot shows (pixels) until it holds;
- :func:`wait_for_chart`: a plotly chart, in the page or in a component's frame (the replay
  timeline of Explore and Learn draws its chart in an iframe).

Timeouts on the waits are hang guards, generous so that a loaded machine passes.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest
from PIL import Image

from tests.browser.find_chromium import chromium_path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
WAIT = 180_000
"""Milliseconds any one wait may take before the test is called hung."""
T = TypeVar("T")

# Chromium flags for a closed network: without the background-networking ones, Chromium keeps
# trying to reach Google's hosts and the sandbox refuses the connections.
_CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            # A hang guard for a whole test (several waits), not a speed check.
            item.add_marker(pytest.mark.timeout(600))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _copy_until_ready(stream, log, ready: threading.Event) -> None:
    """Copy the server's output to the log; set ``ready`` once it says where it listens."""
    for line in stream:
        log.write(line)
        log.flush()
        if "URL:" in line:
            ready.set()
    ready.set()  # the server exited: stop waiting, the health check below says so


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Start `streamlit run app.py` on a free port and yield its base URL."""
    port = _free_port()
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    # One server per pytest-xdist worker, each with its own log.
    log_name = f"streamlit-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
    log = open(REPO / "test-artifacts" / log_name, "w")  # closed after the server stops
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"),
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ready = threading.Event()
    copier = threading.Thread(target=_copy_until_ready, args=(proc.stdout, log, ready),
                              daemon=True)
    copier.start()
    url = f"http://127.0.0.1:{port}"
    ready.wait(timeout=WAIT / 1000)
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as resp:
            healthy = resp.status == 200
    except OSError:
        healthy = False
    if not healthy:
        proc.terminate()
        pytest.fail(f"streamlit did not come up; see test-artifacts/{log_name}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    copier.join(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        pytest.fail("No Chromium: `python tests/browser/find_chromium.py` says what to install.")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=_CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _expect_timeout():
    """Playwright's `expect` retries until its timeout: make it a hang guard, not 5 s."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)


@pytest.fixture(scope="session")
def context(browser):
    """One browser profile for the session: its HTTP cache keeps the app's script bundle, so
    a page opens without downloading and compiling it again. Each test still gets its own
    tab, hence its own Streamlit session (session state lives on the server, per tab)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(WAIT)
    yield context
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so the ``page`` fixture knows a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture()
def page(context, request):
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        # What the page showed when the test failed: the first thing to look at in CI.
        try:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name[:120]}.png"))
        except Exception as exc:  # a crashed page must not hide the test's own error
            print(f"no screenshot of the failed page: {exc}")
    page.close()


def sized_page(context, width: int, height: int):
    """A new tab of the session's profile at another window size (close it when done)."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    return page


# --- waiting for the app ----------------------------------------------------------------------


def wait_for_app(page, timeout: float = WAIT) -> None:
    """Wait until the script finished running and no element is stale (STYLE.md's recipe)."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]",
                           timeout=timeout)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-stale=true]').length === 0", timeout=timeout
    )


# Any change of the app's script state means a run started or ended; the observer stays on the
# page (client-side page switches keep the document) and is re-armed for each action.
_WATCH_RUNS = """() => {
  window.__clusterExplorerRan = false;
  if (!window.__clusterExplorerRuns) {
    window.__clusterExplorerRuns = new MutationObserver(() => {
      window.__clusterExplorerRan = true;
    });
    window.__clusterExplorerRuns.observe(document.body, {
      subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  }
}"""


@contextmanager
def rerun(page, timeout: float = WAIT) -> Iterator[None]:
    """Around an action that reruns the app: afterwards, wait until that rerun has finished.

    Waiting for "not running" alone could pass before the rerun even starts (a slider sends
    its value after a debounce), so the script state must first be seen changing. A rerun
    with everything cached can start and end within one render of the page, leaving no
    change to see: around such an action, wait for what only that rerun draws instead.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.evaluate(_WATCH_RUNS)
    yield
    try:
        page.wait_for_function("() => window.__clusterExplorerRan === true", timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(
            f"the action started no rerun of the app within {timeout / 1000:.0f} s") from None
    wait_for_app(page, timeout)


def choose(page, key: str, option: str) -> None:
    """Pick the option ``option`` (its visible text) of the selectbox keyed ``key`` and wait
    for the rerun it starts.

    Typed, not clicked: the list is filtered down to the option and Enter picks it, so a
    dropdown still opening on a loaded machine cannot catch a click meant for another entry.
    """
    box = page.locator(f".st-key-{key} [role=combobox]")
    with rerun(page):
        box.click()
        box.fill(option)
        page.get_by_role("option", name=option, exact=True).wait_for()
        box.press("Enter")
    if not box.input_value().startswith(option):
        raise AssertionError(f"{key} shows {box.input_value()!r}, not {option!r}")


def press(page, widget, key: str, times: int = 1) -> None:
    """Press ``key`` on a widget ``times`` times, each rerun finished before the next press.

    As a person watching the page does. Presses sent while a rerun is running can be lost on
    a loaded machine (the finished run redraws the slider with the value it ran with), which
    would make a test depend on the machine's speed.
    """
    for _ in range(times):
        with rerun(page):
            widget.press(key)


# Every visible plotly chart has drawn its layout into its SVG and is not animating.
_CHARTS_LAID_OUT = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(gd => gd.getClientRects().length > 0)
  .every(gd => {
    const svg = gd.querySelector('.main-svg');
    return gd._fullLayout && svg && !gd._transitioning
      && Math.abs(parseFloat(svg.getAttribute('width')) - gd._fullLayout.width) < 1;
  })"""

_TWO_FRAMES = """() => new Promise(done =>
    requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"""


def settle(page, timeout: float = WAIT) -> None:
    """Wait until the window has its size, every chart is laid out, and a frame was painted."""
    size = page.viewport_size
    if size:
        page.wait_for_function(
            "([w, h]) => window.innerWidth === w && window.innerHeight === h",
            arg=[size["width"], size["height"]], timeout=timeout)
    page.wait_for_function(_CHARTS_LAID_OUT, timeout=timeout)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.evaluate(_TWO_FRAMES)


def hover_point(page, chart: str, x: float, y: float, point: int, curve: int = 0,
                timeout: float = WAIT) -> None:
    """Move the mouse to (x, y) and wait until plotly hovers ``point`` of trace ``curve``."""
    page.mouse.move(x, y)
    page.wait_for_function(
        """([sel, point, curve]) => {
            const gd = document.querySelector(sel);
            return !!(gd && gd._hoverdata && gd._hoverdata.some(
                p => p.pointNumber === point && p.curveNumber === curve));
        }""",
        arg=[chart, point, curve], timeout=timeout)


def eventually(page, measure: Callable[[], T], check: Callable[[T], bool], what: str,
               timeout: float = 60_000) -> T:
    """Measure until ``check`` holds and return the value; fail with the last one.

    For what only a screenshot shows (a chart's pixels, painted after the script ends):
    between tries the browser paints two more frames, never a fixed sleep.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = measure()
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {value!r} after {timeout / 1000:.0f} s")
        page.evaluate(_TWO_FRAMES)


# --- pictures ---------------------------------------------------------------------------------


def colored_pixels(png: bytes, saturation: int = 60) -> int:
    """Pixels whose channels differ by more than ``saturation``: 0 for a blank or grey image."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > saturation).sum())


def chart_pixels(page, chart, saturation: int = 60) -> int:
    """:func:`colored_pixels` of ``chart`` (a locator, or a selector: its first match)."""
    target = page.locator(chart).first if isinstance(chart, str) else chart
    return colored_pixels(target.screenshot(), saturation)


def drawn(page, chart, minimum: int, saturation: int = 60) -> int:
    """Wait until ``chart`` (locator or selector) shows more than ``minimum`` colored pixels."""
    return eventually(page, lambda: chart_pixels(page, chart, saturation),
                      lambda n: n > minimum, f"colored pixels of {chart}")


def inked_pixels(chart) -> int:
    """Pixels clearly darker or more coloured than the white background (0 = blank chart)."""
    rgb = np.asarray(Image.open(io.BytesIO(chart.screenshot())).convert("RGB")).astype(int)
    return int(((rgb.min(axis=2) < 150) | (rgb.max(axis=2) - rgb.min(axis=2) > 60)).sum())


def inked(page, key: str, what: str) -> None:
    """Wait until the chart keyed ``key`` is drawn (plotly paints after the script finishes)."""
    chart = wait_for_chart(page, key)
    eventually(page, lambda: inked_pixels(chart), lambda n: n > 3000,
               f"{what}: inked pixels of the chart")


def header(page) -> str:
    """The page's first subheader (a Learn screen's "N. title")."""
    return page.locator("[data-testid=stHeading] h2").first.inner_text()


def sidebar_link(page, label: str):
    """The sidebar's link to the page labelled ``label`` (ui.layout.PAGES draws the list)."""
    return page.locator("[data-testid=stSidebar] a[data-testid=stPageLink-NavLink]",
                        has_text=label)


# --- charts drawn by a component ------------------------------------------------------------


def plotly_chart(page, key: str):
    """The plotly chart of the element keyed ``key``, as a locator: in the page
    (``st.plotly_chart``) or inside the frame of a component (the replay timeline)."""
    if page.locator(f".st-key-{key} iframe").count():
        return page.frame_locator(f".st-key-{key} iframe").locator(".js-plotly-plot").first
    return page.locator(f".st-key-{key} .js-plotly-plot").first


def wait_for_chart(page, key: str):
    """Wait until the element keyed ``key`` shows its plotly chart; return its locator."""
    page.locator(f".st-key-{key} .js-plotly-plot, .st-key-{key} iframe").first.wait_for()
    chart = plotly_chart(page, key)
    chart.wait_for()
    return chart


_CONTENT_HEIGHT = """() => Math.max(...Array.from(document.querySelectorAll(
    '[data-testid=stMain], [data-testid=stMainBlockContainer], .main, body'))
    .map(e => e.scrollHeight))"""


def screenshot(page, name: str) -> Path:
    """Save a screenshot of the whole page as a test artifact and return its path.

    Streamlit scrolls inside its own container, so a "full page" screenshot would stop at the
    viewport; the viewport is stretched to the content for the shot, then put back.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size
    height = min(int(page.evaluate(_CONTENT_HEIGHT)), 6000)
    if viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": height})
        settle(page)
        page.screenshot(path=str(path))
        page.set_viewport_size(viewport)
        settle(page)
    else:
        settle(page)
        page.screenshot(path=str(path), full_page=True)
    return path
