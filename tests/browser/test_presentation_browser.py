"""Presentation mode in Chromium: big type, nothing overlapping, at projector resolutions."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, settle, sized_page, wait_for_app, wait_for_chart

BODY_FONT_SIZE = """() => {
  const p = document.querySelector('[data-testid=stAlertContentSuccess] p')
         || document.querySelector('[data-testid=stMarkdownContainer] p');
  return parseFloat(getComputedStyle(p).fontSize);
}"""

# Boxes of the main blocks; two that intersect would be text drawn over text.
OVERLAPS = """() => {
  const boxes = Array.from(document.querySelectorAll(
      '[data-testid=stMain] [data-testid=stElementContainer]'))
    .filter(e => e.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})
                 && !e.closest('details:not([open])'))
    .map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0);
  let n = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 4 && h > 4) n++;
  }
  return n;
}"""

WIDER_THAN_VIEWPORT = """() => Array.from(document.querySelectorAll(
    '[data-testid=stMain] [data-testid=stElementContainer]'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["720p", "1080p"])
def test_explore_in_presentation_mode(context, app_url, size):
    width, height = size
    page = sized_page(context, width, height)
    try:
        page.goto(f"{app_url}/Explore?present=1")
        wait_for_chart(page, "explore_run_chart")
        wait_for_app(page)
        settle(page)  # laid out with its fonts: boxes are final
        assert page.evaluate(BODY_FONT_SIZE) >= 18
        # The sidebar starts folded away.
        assert page.locator("[data-testid=stSidebar][aria-expanded=true]").count() == 0
        assert page.evaluate(OVERLAPS) == 0
        assert page.evaluate(WIDER_THAN_VIEWPORT) == 0
        screenshot(page, f"presentation_explore_{width}x{height}")
    finally:
        page.close()
