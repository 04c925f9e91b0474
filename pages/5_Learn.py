"""Learn: the story of k-means told one screen at a time, for a class or on your own.

The screen number is in the URL (``?screen=4``), so a teacher can link straight to it.
"""

import streamlit as st

from ui.errors import page_guard
from ui.layout import notices, setup_page
from ui.learn import lesson_controls, navigation, show_screen
from ui.state import sync_url

setup_page("Learn")
st.title("Learn k-means, step by step")

with page_guard():
    screen = navigation()
    notices()
    lesson = lesson_controls()
    show_screen(screen, lesson)
sync_url()
