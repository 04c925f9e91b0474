"""Cluster Explorer: landing page."""

import streamlit as st

from ui.layout import PAGES, REPO, notices, setup_page
from ui.state import SETTINGS, sync_url

setup_page("Home")
st.title("Cluster Explorer")
notices()
st.markdown(
    "Watch **k-means** cluster your data, step by step: points join their nearest centre, "
    "centres move to the middle of their points, and the total reconstruction error falls "
    "until nothing changes. Start on Iris, pick another dataset, or drop in your own table."
)
if st.button("Start here: watch k-means on Iris", key="home_start", type="primary",
             icon=":material/play_arrow:"):
    st.switch_page("pages/1_Explore.py")
st.caption("New to k-means? **Learn** below tells the story in eight screens.")

left, right = st.columns([3, 2], gap="large")
with left:
    picture = REPO / "assets" / "explore.png"
    if picture.exists():
        st.image(str(picture), caption="The Explore page as it opens: Iris, "
                 f"K={SETTINGS['sb_k'].default}, one timeline for the whole run")
with right:
    st.subheader("Pages")
    for page in PAGES[1:]:
        st.page_link(page.path, label=page.label, icon=page.icon)
        st.caption(page.blurb)
    st.caption("Tip: every setting lives in the address bar, so a copied link reopens the "
               "same run. Presentation mode (sidebar) makes everything readable on a projector.")
sync_url()
