"""The shipped deployment settings that keep a viewer's data and clicks at home.

The browser test (tests/browser/test_hostile_upload_browser.py) checks that a page load asks no
other host for anything; these check the settings behind it, which Streamlit must accept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from streamlit.proto.NewSession_pb2 import Config
from streamlit.runtime import app_session

from ui import layout

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

REPO = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_error_boxes_offer_no_links_to_search_engines_or_chatbots(monkeypatch):
    assert CONFIG["client"]["showErrorLinks"] == "false"
    monkeypatch.setattr(app_session.config, "get_option",
                        lambda key: CONFIG["client"]["showErrorLinks"])
    assert app_session._get_show_error_links() == Config.ShowErrorLinks.SHOW_ERROR_LINKS_FALSE


def test_the_sidebar_lists_the_pages_from_one_place():
    # Streamlit's own list would name the landing page after its file ("app").
    assert CONFIG["client"]["showSidebarNavigation"] is False
    listed = [page.path for page in layout.PAGES]
    assert listed == ["app.py", *sorted(f"pages/{p.name}" for p in (REPO / "pages").glob("*.py"))]


def test_the_favicon_is_a_file_the_app_serves():
    assert layout.FAVICON.is_file()
    with Image.open(layout.FAVICON) as icon:
        assert icon.format == "PNG" and icon.size == (64, 64)
    for page in [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]:
        text = page.read_text(encoding="utf-8")
        assert "page_icon" not in text and "icon=" not in text.split("setup_page(")[-1][:80], page


def test_the_shared_deployment_defaults_hold():
    server, client = CONFIG["server"], CONFIG["client"]
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert set(server["allowedHosts"]) == {"localhost", "127.0.0.1", "::1"}
    assert client["showErrorDetails"] == "none"
    assert CONFIG["browser"]["gatherUsageStats"] is False
    # No reload-on-save watcher: it re-scans and watches every imported library file (.venv
    # lies inside the project) and made each new session seconds slower.
    assert server["fileWatcherType"] == "none" and server["runOnSave"] is False
