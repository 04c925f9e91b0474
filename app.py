"""Cluster Explorer: landing page."""

import streamlit as st

from ui.layout import REPO, setup_page
from ui.state import sync_url

setup_page("Home")
st.title("Cluster Explorer")
st.markdown(
    "Watch **k-means** cluster your data, step by step: points join their nearest centre, "
    "centres move to the middle of their points, and the total reconstruction error falls "
    "until nothing changes. Start on Iris, pick another dataset, or drop in your own table."
)

left, right = st.columns([3, 2], gap="large")
with left:
    picture = REPO / "assets" / "explore.png"
    if picture.exists():
        st.image(str(picture), caption="The Explore page on Iris, K=3")
with right:
    st.subheader("Pages")
    st.page_link("pages/1_Explore.py", label="Explore: run k-means and replay it", icon=":material/scatter_plot:")
    st.markdown(
        "- Change **K**, the **initialisation**, the **distance** and the **centre rule**.\n"
        "- Replay the run: *assign* recolours the points, *update* moves the centres.\n"
        "- Read the quality metrics, each with a one-line meaning.\n"
        "- Download your table with a cluster column."
    )
sync_url()
