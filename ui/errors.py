"""Turn an exception inside a page into a short message instead of a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner import RerunException, StopException

from ui.text import md_escape

_log = logging.getLogger("cluster_explorer")


@contextmanager
def page_guard() -> Iterator[None]:
    """Run a page body; a failure becomes one sentence on the page and a log line for us."""
    try:
        yield
    except (RerunException, StopException):
        raise  # Streamlit's own control flow (st.rerun, st.stop, page switches)
    except ValueError as exc:
        # The engine and loader raise ValueError with one plain sentence carrying the values.
        st.error(md_escape(_first_sentence(str(exc))), icon=":material/warning:")
    except Exception:  # noqa: BLE001 (the point of a guard)
        _log.exception("page failed")
        st.error("Something went wrong while drawing this page; change a setting to try again.",
                 icon=":material/warning:")


def _first_sentence(message: str) -> str:
    message = message.strip().splitlines()[0] if message.strip() else "That input was refused."
    return message[:1].upper() + message[1:] if message else message
