"""Stepping a replay: key press -> repainted chart in Chromium, against the old server round trip.

Serves ``benchmarks/stepping_app.py`` with ``streamlit run`` and drives it in Chromium (the
browser the tests use). Two ways to step the same k-means run:

* **browser**: the timeline component (``ui/timeline``). A Right-arrow key press steps the
  figure with plotly.js in the page; the time is measured inside the page, from the key
  event's timestamp to the first paint after the chart changed (``window.timelineStats``).
  No message goes to the server, so the server's load cannot slow it. Goal: < 50 ms.
* **server**: how Explore stepped before, a "Step" button in a fragment: the click goes to
  the server, which reruns the fragment and sends a new figure; measured in the page from the
  click to the first paint after the new step's text and chart are in and nothing is stale.

Each on Iris (150 points, SVG) and on 5,000 blob points (WebGL, which plotly must redraw).
Prints medians and the ratio server / browser, with the machine's load average (shared
machines: read the ratio, not the absolute times).

    python benchmarks/bench_stepping.py [--steps 20]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.find_chromium import chromium_path  # noqa: E402

APP = REPO / "benchmarks" / "stepping_app.py"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
READY = "[data-testid=stApp][data-test-script-state=notRunning]"

# One server step, timed in the page: click, then wait until the new step's text is shown,
# the script has finished and nothing is stale, then until the next paint.
SERVER_STEP = """async () => {
  const label = () => (Array.from(document.querySelectorAll('[data-testid=stMarkdownContainer]'))
    .map(e => e.textContent).find(t => /^Step \d+ of/.test(t)) || '');
  const before = label();
  const button = Array.from(document.querySelectorAll('button'))
    .find(b => b.textContent.includes('Step'));
  const t0 = performance.now();
  button.click();
  await new Promise(resolve => {
    const check = () => {
      const done = label() !== before && !document.querySelector('[data-stale=true]') &&
        document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning';
      if (done) resolve(); else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now() - t0;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("streamlit did not start within 90 s")


def timeline_frame(page):
    page.wait_for_function("() => Array.from(document.querySelectorAll('iframe'))"
                           ".some(f => f.src.includes('/component/'))", timeout=120_000)
    frame = next(f for f in page.frames if "/component/" in f.url)
    frame.wait_for_function("window.timeline && window.timeline.steps() > 1", timeout=120_000)
    return frame


def browser_steps(browser, url: str, steps: int) -> list[float]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    frame = timeline_frame(page)
    frame.click("#caption")
    n = frame.evaluate("window.timeline.steps()")
    times: list[float] = []
    while len(times) < steps:
        if frame.evaluate("window.timeline.step()") >= n - 1:
            page.keyboard.press("Home")  # back to the start, not timed
            frame.wait_for_function("window.timeline.step() === 0")
            frame.evaluate("window.timelineStats.length = 0")
        count = frame.evaluate("window.timelineStats.length")
        page.keyboard.press("ArrowRight")
        frame.wait_for_function(f"window.timelineStats.length > {count}")
        times.append(frame.evaluate("window.timelineStats[window.timelineStats.length - 1]"))
    page.close()
    return times


def server_steps(browser, url: str, steps: int) -> list[float]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    page.wait_for_selector("[data-testid=stPlotlyChart]", timeout=120_000)
    times = [page.evaluate(SERVER_STEP) for _ in range(steps + 1)]
    page.close()
    return times[1:]  # the first one warms the fragment's caches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise SystemExit("No Chromium: `python tests/browser/find_chromium.py` says what to do.")
    proc, url = serve()
    results = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, headless=True,
                                         args=CHROMIUM_ARGS)
            for name, points in (("Iris, 150 points", 0), ("blobs, 5,000 points", 5000)):
                query = f"points={points}" if points else ""
                print(f"{name}: stepping in the browser", file=sys.stderr, flush=True)
                browser_ms = browser_steps(browser, f"{url}/?mode=browser&{query}", args.steps)
                print(f"{name}: stepping on the server", file=sys.stderr, flush=True)
                server_ms = server_steps(browser, f"{url}/?mode=server&{query}", args.steps)
                results[name] = (browser_ms, server_ms)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores; "
          f"{args.steps} steps each")
    print(f"{'data':22} {'browser (ms)':>14} {'p90':>7} {'server (ms)':>13} {'p90':>7} "
          f"{'server/browser':>15}")
    for name, (b, s) in results.items():
        bm, sm = statistics.median(b), statistics.median(s)
        b90 = statistics.quantiles(b, n=10)[-1]
        s90 = statistics.quantiles(s, n=10)[-1]
        print(f"{name:22} {bm:14.1f} {b90:7.1f} {sm:13.1f} {s90:7.1f} {sm / bm:15.1f}")
    print("goal: browser step < 50 ms")


if __name__ == "__main__":
    main()
