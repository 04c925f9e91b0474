"""Page scaffolding every page shares: page config, presentation mode, notices.

Presentation mode (a sidebar toggle, or ``?present=1`` in the URL) is for a projector seen
from the back of a room: at least 20 px body text, high contrast, the sidebar collapsed, and
figures drawn with ``PRESENTATION_STYLE`` (bigger fonts, markers and lines; same palette).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import streamlit as st

from clustering.figures import DEFAULT_STYLE, PRESENTATION_STYLE, FigureStyle
from ui.state import get, setting, show_notices, start_run

REPO = Path(__file__).resolve().parents[1]


class Page(NamedTuple):
    path: str
    label: str
    icon: str
    blurb: str


#: The app's pages in sidebar order. Streamlit's own sidebar list would name the landing page
#: after its file ("app"), so it is switched off in .streamlit/config.toml
#: (``client.showSidebarNavigation``) and every page draws this list instead.
PAGES = (
    Page("app.py", "Home", ":material/home:", "Where to start."),
    Page("pages/1_Explore.py", "Explore", ":material/scatter_plot:",
         "Run k-means on Iris, a synthetic set or your own table and replay it step by step: "
         "*assign* recolours the points, *update* moves the centres. Pin a run and compare."),
    Page("pages/2_Choose_K.py", "Choose K", ":material/tune:",
         "Elbow, silhouette and friends across K, with a knee, a silhouette plot and a study "
         "of how much the initialisation matters."),
    Page("pages/3_Compare.py", "Compare", ":material/grid_view:",
         "k-means against ten other algorithms on the gallery's toy sets and on your data."),
    Page("pages/4_Image.py", "Image", ":material/palette:",
         "Colour quantization: an image reduced to its K most representative colours."),
    Page("pages/5_Learn.py", "Learn", ":material/school:",
         "A guided lesson, one screen at a time: init, assign, update, converge, evaluate."),
    Page("pages/6_Documents.py", "Documents", ":material/article:",
         "Cluster a text corpus into topics (20 Newsgroups, or your own files), read each "
         "topic's top terms and find the documents relevant to a question."),
)
STYLES = {"default": DEFAULT_STYLE, "presentation": PRESENTATION_STYLE}

# Our own static CSS (no user text ever goes in here).
_PRESENTATION_CSS = """
<style>
.stApp { background: #ffffff; color: #000000; }
.stApp p, .stApp li, .stApp label, .stApp input, .stApp button,
.stApp [data-testid="stMarkdownContainer"], .stApp [data-testid="stCaptionContainer"],
.stApp [data-testid="stWidgetLabel"] p, .stApp [role="option"], .stApp td, .stApp th {
  font-size: 20px !important; line-height: 1.45 !important;
}
.stApp p, .stApp li, .stApp td, .stApp th, .stApp label { color: #000000 !important; }
.stApp h1 { font-size: 2rem !important; padding: 0.2rem 0 0.4rem !important; }
/* One projector screen: less empty space above the page (the header keeps its menu). */
.stApp [data-testid="stMainBlockContainer"] { padding-top: 3.4rem !important; }
/* Multiselect chips (about 14 px by default). */
.stApp [data-testid="stMultiSelectTagsContainer"] [data-tag],
.stApp [data-testid="stMultiSelectTagsContainer"] [data-tag] span,
.stApp [data-baseweb="tag"], .stApp [data-baseweb="tag"] span {
  font-size: 20px !important; height: auto !important; line-height: 1.3 !important;
}
.stApp [data-testid="stMultiSelectTagsContainer"] [data-tag],
.stApp [data-baseweb="tag"] { padding: 4px 8px !important; }
.stApp h2, .stApp h3 { font-size: 2rem !important; }
.stApp [data-testid="stMetricValue"], .stApp [data-testid="stMetricValue"] *,
.stApp [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] {
  font-size: 2.8rem !important; line-height: 1.2 !important; color: #000000 !important;
}
.stApp button:disabled, .stApp button:disabled p { color: #9e9e9e !important; }
/* The value floating over a slider's thumb would sit on the track at 20 px. */
.stApp [data-testid="stSliderThumbValue"] p, .stApp [data-testid="stSliderTickBar"] p {
  font-size: 15px !important;
}
.stApp [data-testid="stAlertContainer"] { border: 2px solid #000000; }
.stApp [data-testid="stCaptionContainer"] { opacity: 1 !important; }
</style>
"""


def presentation() -> bool:
    """Whether this session is in presentation mode (the toggle wins over the URL)."""
    # Read before the toggle is drawn (the page config needs it): the widget's state holds
    # the user's latest click, the setting the value from the link or the last page.
    return bool(st.session_state.get("sb_present", get("sb_present")))


#: The tab icon, served by the app itself (as a media file): an emoji or a ``:material/...:``
#: page icon is drawn from a CDN (Twemoji, Google Fonts) on every page load, telling a third
#: party who opens the app.
FAVICON = REPO / "assets" / "favicon.png"


def setup_page(title: str) -> None:
    """First call of every page: config, settings from the URL, presentation mode."""
    start_run()
    present = presentation()
    st.set_page_config(page_title=f"{title} · Cluster Explorer", page_icon=FAVICON, layout="wide",
                       initial_sidebar_state="collapsed" if present else "auto")
    for page in PAGES:
        st.sidebar.page_link(page.path, label=page.label, icon=page.icon)
    setting(
        st.sidebar.toggle, "sb_present", "Presentation mode",
        help="For a projector: larger text, high contrast, bigger markers; the sidebar folds "
             "away (open it with the arrow at the top left).",
    )
    if presentation():
        # Style-only HTML goes to the event container, so it takes no room on the page.
        st.html(_PRESENTATION_CSS)


def show_table(frame, key: str, **kwargs) -> None:
    """A table: ``st.dataframe`` (sortable, scrollable), or on a projector ``st.table``.

    ``st.dataframe`` draws on a canvas whose text size CSS cannot reach (about 14 px); an
    HTML table takes presentation mode's 20 px type.
    """
    if presentation():
        st.table(frame)
    else:
        st.dataframe(frame, key=key, width="stretch", **kwargs)


def style_name() -> str:
    """Name of this session's figure style."""
    return "presentation" if presentation() else "default"


def figure_style() -> FigureStyle:
    return STYLES[style_name()]


def notices() -> None:
    show_notices()
