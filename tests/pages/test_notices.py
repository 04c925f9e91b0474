"""Link values, file names, column names and cells are data, never Markdown.

Markdown, HTML, Streamlit's ``:red[...]`` / ``:material/...:`` syntax, emoji shortcodes and
autolinks go through every notice path (the link notice on every page, upload names and
columns on the data pages and the Image page, the pinned-run list) and must show literally:
``tests.pages.shown`` renders each element's source as Streamlit would and reports anything
live. A bad link gives one notice listing everything that was ignored.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import app_test
from tests.pages.shown import literal, shown
from ui.state import notices_markdown
from ui.text import md_escape

pytestmark = pytest.mark.timeout(300)

HOSTILE = [
    "[Log in again](https://ev.il/a)",
    "![](https://evil.example/p.png)",
    "**bold** _it_ ~~gone~~ # head",
    ":red[x] :blue-background[y]",
    ":material/home: :streamlit: :smile:",
    "<b>html</b><img src=x onerror=alert(1)>",
    "a -> b `code` $x$ www.ev.il a@b.co",
    "| t | u |\n|---|---|\n&amp; &#60;",
]
# Never our own formatting either, so never allowed on a page.
DANGEROUS = {"link", "image", "html", "directive", "autolink", "material icon",
             "streamlit logo", "emoji shortcode", "math", "table"}
PAGES = ["app.py", "pages/1_Explore.py", "pages/2_Choose_K.py", "pages/3_Compare.py",
         "pages/4_Image.py", "pages/5_Learn.py"]
# Without "/" (an upload keeps the last part of a path) and short enough to show whole.
FILE_NAME = "![x](javascript:alert(1)) **b** :red[x] :material_home: <b>i<i> .csv"


def _open(path: str, query: dict | None = None) -> AppTest:
    return app_test(path, (query or {}), timeout=120).run()


def _sources(at: AppTest) -> list[str]:
    """Every Markdown source on the page: text elements, alerts, expander labels, toasts."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "warning",
             "error", "success", "toast")
    out = [str(e.value) for kind in kinds for e in at.get(kind)]
    return out + [e.label for e in at.get("expander")]


def _nothing_live(at: AppTest) -> None:
    for source in _sources(at):
        live = DANGEROUS & set(shown(source).live)
        assert not live, (source, live)


def test_md_escape_shows_every_hostile_string_literally():
    for text in HOSTILE:
        result = shown(md_escape(text))
        assert not result.live, (text, result.live)
        assert result.text == text.replace("\n", " ")
        assert shown(text).live  # each one would be live unescaped (the check can see it)


def test_one_notice_for_many_messages_each_literal():
    body = notices_markdown(HOSTILE[:3] + HOSTILE[:1])  # a repeat is said once
    assert body.startswith("3 settings could not be used as given")
    text = literal(body)
    for message in HOSTILE[:3]:
        assert message in text


@pytest.mark.parametrize("path", PAGES)
def test_a_bad_link_gives_one_literal_notice_on_every_page(path):
    st.cache_data.clear()
    query = {"dataset": HOSTILE[0], "k": HOSTILE[1], "screen": HOSTILE[2],
             "picture": HOSTILE[3], "colors": HOSTILE[4], "algorithms": HOSTILE[5],
             "seed": HOSTILE[6], HOSTILE[2]: "1"}
    at = _open(path, query)
    assert not at.exception, at.exception
    boxes = [e.value for e in at.info if "Ignored" in e.value]
    assert len(boxes) == 1, boxes
    text = literal(boxes[0])
    for name in ("dataset", "k", "screen", "picture", "colors", "algorithms", "seed"):
        shown_value = query[name] if len(query[name]) <= 40 else query[name][:39] + "…"
        assert f"Ignored {name}={shown_value!r}" in text, (name, text)
    assert f"Ignored {HOSTILE[2]}='1'" in text  # a hostile parameter name too
    _nothing_live(at)


def test_a_bad_feature_and_label_in_the_link_are_quoted_literally():
    st.cache_data.clear()
    at = _open("pages/1_Explore.py", {"features": [HOSTILE[0], HOSTILE[4]],
                                     "label": HOSTILE[3]})
    assert not at.exception, at.exception
    (box,) = [literal(e.value) for e in at.info if "Ignored" in e.value]
    assert repr(HOSTILE[0]) in box and repr(HOSTILE[4]) in box and repr(HOSTILE[3]) in box
    _nothing_live(at)


def _hostile_table() -> bytes:
    names = ["[a](https://ev.il/a)", ":red[c]", "<b>d</b>", "**e** :smile:"]
    rows = [",".join(names + ["note"])]
    rows += [f"{i},{i % 3},{i * 2},{i % 5},![](https://evil.example/p.png)" for i in range(40)]
    return ("\n".join(rows) + "\n").encode()


def test_upload_names_columns_and_cells_show_literally_everywhere():
    st.cache_data.clear()
    at = _open("app.py")  # so that switch_page finds the other pages
    at.switch_page("pages/1_Explore.py").run()
    at.file_uploader(key="sb_upload").set_value((FILE_NAME, _hostile_table(), "text/csv")).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="sb_dataset").value == "upload"
    labels = [literal(e.label) for e in at.expander]
    assert any(FILE_NAME in label for label in labels), labels
    _nothing_live(at)
    # The pinned-run list and the run-B caption quote the data's title.
    at.button(key="explore_pin").click().run()
    at.slider(key="sb_k").set_value(2).run()
    assert not at.exception, at.exception
    assert any(FILE_NAME in shown(m.value).text for m in at.markdown), "pinned run not listed"
    _nothing_live(at)
    # Compare's header names the data too.
    at.switch_page("pages/3_Compare.py")
    at.session_state["settings"]["compare_algorithms"] = ("kmeans",)
    at.session_state["settings"]["compare_toys"] = False
    at.run()
    assert not at.exception, at.exception
    assert any(FILE_NAME in literal(h.value) for h in at.header)
    _nothing_live(at)


def test_a_refused_upload_quoting_its_cells_shows_them_literally():
    st.cache_data.clear()
    at = _open("pages/1_Explore.py")
    text_only = "\n".join([f"{HOSTILE[0]},{HOSTILE[3]}"] + [f"{HOSTILE[1]},{HOSTILE[5]}"] * 5)
    at.file_uploader(key="sb_upload").set_value(("t.csv", text_only.encode(), "text/csv")).run()
    assert not at.exception, at.exception
    _nothing_live(at)


def test_image_upload_name_shows_literally():
    st.cache_data.clear()
    buf = io.BytesIO()
    Image.fromarray(np.arange(48, dtype=np.uint8).reshape(4, 4, 3)).save(buf, format="PNG")
    name = FILE_NAME.replace(".csv", ".png")
    at = _open("pages/4_Image.py")
    at.file_uploader(key="image_upload").set_value((name, buf.getvalue(), "image/png")).run()
    assert not at.exception, at.exception
    assert any(name in literal(e.label) for e in at.expander)
    _nothing_live(at)
    # A refused upload's sentence is escaped too.
    at.file_uploader(key="image_upload").set_value((name, b"<b>not an image</b>", "image/png"))
    at.run()
    assert at.error and all(literal(e.value) for e in at.error)
    _nothing_live(at)
