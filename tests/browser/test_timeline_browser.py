"""The one timeline in Chromium: everything on one projector screen, one cursor, keys, moves.

At 1920x1080 and 1280x720, each minus 100 px of browser toolbar, Explore and every Learn
screen in presentation mode show the chart, the step controls, the caption and the objective
panel without scrolling, in projector-sized text (18 px or more) and no wider than the
window, with every centre (and the "predict" point) inside the plot; a screenshot of each is
kept in test-artifacts/screenshots/. Scrubbing moves the scatter, the objective cursor and
the caption together, the keys step the chart, and a centre dropped on the plot continues
the run from there (in the link).
"""

from __future__ import annotations

import pytest

from clustering.lesson import SCREENS
from tests.browser.conftest import (
    ARTIFACTS,
    WAIT,
    header,
    inked,
    sized_page,
    wait_for_app,
)

TOOLBAR = 100  # px a browser's own toolbar takes from a projector's screen
SIZES = [(1920, 1080 - TOOLBAR), (1280, 720 - TOOLBAR)]
SIZE_IDS = ["1080p", "720p"]

# Everything measured in the page's own pixels (the timeline is an iframe).
BOXES = """() => {
  const frame = window.frameElement.getBoundingClientRect();
  const box = (el) => {
    if (!el || !el.getClientRects().length) return null;
    const r = el.getBoundingClientRect();
    return {top: frame.top + r.top, bottom: frame.top + r.bottom,
            left: frame.left + r.left, right: frame.left + r.right};
  };
  const gd = document.getElementById('chart');
  const full = gd._fullLayout;
  const meta = (gd.layout.meta && gd.layout.meta.timeline) || {};
  const chart = box(gd);
  const area = (xa, ya) => ({
    top: chart.top + ya._offset, bottom: chart.top + ya._offset + ya._length,
    left: chart.left + xa._offset, right: chart.left + xa._offset + xa._length});
  const out = {caption: box(document.getElementById('caption')),
               controls: box(document.getElementById('controls')), chart: chart,
               steps: meta.steps || 0, frameTop: frame.top, frameBottom: frame.bottom};
  if (full.xaxis && full.yaxis) {
    out.plot = area(full.xaxis, full.yaxis);
    const inside = (x, y) => {
      const px = chart.left + full.xaxis._offset + full.xaxis.d2p(x);
      const py = chart.top + full.yaxis._offset + full.yaxis.d2p(y);
      return px >= out.plot.left - 1 && px <= out.plot.right + 1 &&
             py >= out.plot.top - 1 && py <= out.plot.bottom + 1;
    };
    const marks = gd._fullData.filter((t, i) => i === meta.centroids ||
        ['centroids', 'new centroids', 'highlighted point'].includes(t.name));
    out.marks = marks.map(t => Array.from(t.x || []).map((x, j) => inside(x, t.y[j])));
  }
  if (full.xaxis2 && full.yaxis2) out.objective = area(full.xaxis2, full.yaxis2);
  return out;
}"""


def timeline_frame(page, key: str):
    """The timeline iframe under the widget ``key``, once its chart is drawn."""
    page.wait_for_selector(f".st-key-{key} iframe", timeout=WAIT)
    handle = page.wait_for_selector(f".st-key-{key} iframe", timeout=WAIT)
    frame = handle.content_frame()
    frame.wait_for_function("window.timeline && document.getElementById('chart').data "
                            "&& document.getElementById('chart')._fullLayout", timeout=WAIT)
    frame.evaluate("() => new Promise(done => requestAnimationFrame(() => "
                   "requestAnimationFrame(() => done(true))))")
    return frame


def _fits(frame, height: int, width: int) -> dict:
    boxes = frame.evaluate(BOXES)
    shown = [name for name in ("caption", "controls", "chart", "plot", "objective")
             if boxes.get(name)]
    for name in shown:
        box = boxes[name]
        assert box["top"] >= 0 and box["bottom"] <= height + 0.5, (name, box, height)
        assert box["left"] >= 0 and box["right"] <= width + 0.5, (name, box, width)
    for marks in boxes.get("marks", []):
        assert all(marks), f"a centre or the predict point is outside the plot: {marks}"
    return boxes


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_explore_fits_one_projector_screen(context, app_url, size):
    width, height = size
    page = sized_page(context, width, height)
    try:
        page.goto(f"{app_url}/Explore?present=1")
        wait_for_app(page)
        frame = timeline_frame(page, "explore_run_chart")
        boxes = _fits(frame, height, width)
        assert boxes["steps"] > 2 and boxes["caption"] and boxes["controls"]
        assert boxes["objective"], "the objective panel is part of the timeline"
        # The chart takes most of the screen below the banner, whatever the fonts make of the
        # caption's line breaks (CI's fonts wrap it one line more than a desktop's).
        chart_height = boxes["chart"]["bottom"] - boxes["chart"]["top"]
        assert chart_height > 250 and chart_height > 0.55 * (height - boxes["frameTop"])
        _shot(page, f"timeline_explore_present_{width}x{height}")
    finally:
        page.close()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_every_learn_screen_fits_one_projector_screen(context, app_url, size):
    width, height = size
    page = sized_page(context, width, height)
    try:
        for screen in SCREENS:
            page.goto(f"{app_url}/Learn?present=1&screen={screen.number}")
            wait_for_app(page)
            frame = timeline_frame(page, "learn_chart")
            # Presentation mode: the screen the link asked for, projector-sized text, the
            # setting kept in the link, a chart with ink on it, nothing spilling sideways.
            assert header(page).startswith(f"{screen.number}. ")
            assert "present=1" in page.url
            assert screen.number == 1 or f"screen={screen.number}" in page.url
            body = page.locator("[data-testid=stMarkdownContainer] p").first
            assert body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 18
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            inked(page, "learn_chart", f"screen {screen.number} presented")
            boxes = _fits(frame, height, width)
            if screen.key in ("repeat", "error"):
                assert boxes["objective"] and boxes["steps"] > 2, screen.key
            if screen.key in ("update", "repeat", "error"):
                assert boxes["caption"] and boxes["controls"], screen.key
            _shot(page, f"timeline_learn_{screen.number}_{screen.key}_{width}x{height}")
    finally:
        page.close()


CURSOR = """() => {
  const gd = document.getElementById('chart');
  const meta = gd.layout.meta.timeline;
  const line = gd._fullData[meta.cursor[0]];
  const ring = gd._fullData[meta.cursor[1]];
  const frame = gd._transitionData._frames[window.timeline.step()];
  return {step: window.timeline.step(), caption: window.timeline.caption(),
          scrub: Number(document.getElementById('scrub').value),
          cursorX: line.x[0], ringY: ring.y[0],
          frameRingY: frame.data[frame.traces.indexOf(meta.cursor[1])].y[0]};
}"""


def _wait_step(frame, step: int) -> dict:
    frame.wait_for_function(f"window.timeline.step() === {step}", timeout=WAIT)
    return frame.evaluate(CURSOR)


def _agree(state: dict) -> None:
    s = state["step"]
    assert state["caption"].startswith(f"Step {s} of ")
    assert state["scrub"] == s and state["cursorX"] == s
    assert state["ringY"] == state["frameRingY"]  # the ring sits on this step's objective


def test_scrub_and_keys_move_one_cursor(page, app_url):
    page.goto(f"{app_url}/Explore?init=random")
    wait_for_app(page)
    frame = timeline_frame(page, "explore_run_chart")
    last = frame.evaluate("window.timeline.steps()") - 1
    assert last >= 4
    assert frame.evaluate("window.timeline.step()") == last  # opens on the converged state
    # Scrub: the slider itself, moved from the end back to step 2.
    scrub = frame.locator("#scrub")
    scrub.focus()
    for _ in range(last - 2):
        scrub.press("ArrowLeft")
    _agree(_wait_step(frame, 2))
    # The points show step 2's clusters (recoloured in the page, not by the server).
    fills = frame.evaluate("""() => {
      const gd = document.getElementById('chart');
      const meta = gd.layout.meta.timeline;
      const trace = gd._fullData[meta.points];
      const nodes = gd.querySelectorAll('.scatterlayer .trace' + CSS.escape(String(trace.uid))
                                        + ' path.point');
      return Array.from(nodes, n => getComputedStyle(n).fill);
    }""")
    assert len(set(fills)) == 3
    # Keys on the page itself (nothing focused) drive the timeline in view.
    page.locator("h1").first.click()
    page.keyboard.press("ArrowRight")
    _agree(_wait_step(frame, 3))
    page.keyboard.press("ArrowLeft")
    _agree(_wait_step(frame, 2))
    page.keyboard.press("End")
    _agree(_wait_step(frame, last))
    page.keyboard.press("Home")
    _agree(_wait_step(frame, 0))
    # Space plays in the browser; the server runs nothing while it does.
    page.keyboard.press(" ")
    frame.wait_for_function("window.timeline.step() >= 2", timeout=WAIT)
    page.keyboard.press(" ")
    stopped = frame.evaluate("window.timeline.step()")
    _agree(frame.evaluate(CURSOR))
    assert frame.locator("#play").inner_text().endswith("Play")
    assert stopped >= 2


def test_a_dropped_centre_continues_the_run_from_there(page, app_url):
    page.goto(f"{app_url}/Explore?init=random")
    wait_for_app(page)
    frame = timeline_frame(page, "explore_run_chart")
    page.locator(".st-key-explore_run_chart iframe").scroll_into_view_if_needed()
    frame.evaluate("window.timeline.go(2)")
    _wait_step(frame, 2)
    frame.locator("#move").click()
    where = frame.evaluate("""() => {
      const gd = document.getElementById('chart');
      const meta = gd.layout.meta.timeline;
      const c = gd._fullData[meta.centroids];
      const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
      const box = gd.getBoundingClientRect();
      return {cx: box.left + xa._offset + xa.d2p(c.x[0]),
              cy: box.top + ya._offset + ya.d2p(c.y[0]),
              dx: box.left + xa._offset + 0.85 * xa._length,
              dy: box.top + ya._offset + 0.5 * ya._length};
    }""")
    origin = page.locator(".st-key-explore_run_chart iframe").bounding_box()
    page.mouse.click(origin["x"] + where["cx"], origin["y"] + where["cy"])
    frame.wait_for_function("document.getElementById('hint').textContent.includes('Now click')")
    page.mouse.click(origin["x"] + where["dx"], origin["y"] + where["dy"])
    page.wait_for_function("() => location.search.includes('move=2%3A0%3A')", timeout=WAIT)
    wait_for_app(page)
    frame = timeline_frame(page, "explore_run_chart")
    frame.wait_for_function("window.timeline.caption().includes('moved a centre')",
                            timeout=WAIT)
    assert frame.evaluate("window.timeline.step()") == 3  # the move, right after step 2
    assert "You moved 1 centre" in page.locator("[data-testid=stAlertContentSuccess]").inner_text()


def test_tables_and_chips_are_projector_sized(context, app_url):
    page = sized_page(context, *SIZES[0])
    try:
        page.goto(f"{app_url}/Explore?present=1&tab=Cluster+profiles")
        wait_for_app(page)
        cell = page.locator("[data-testid=stTable] td >> visible=true").first
        cell.wait_for(timeout=WAIT)
        assert float(cell.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 18
        page.goto(f"{app_url}/Compare?present=1")
        wait_for_app(page)
        chip = page.locator("[data-testid=stMultiSelectTagsContainer] [data-tag] span").first
        chip.wait_for(state="attached", timeout=WAIT)  # maybe in the folded sidebar
        assert float(chip.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 18
    finally:
        page.close()
