"""Cluster Explorer: landing page."""

import streamlit as st

from ui.layout import REPO, notices, setup_page
from ui.state import SETTINGS, sync_url

# (page file, link label, icon, what it is for); a page appears once its file exists.
PAGES = [
    ("pages/1_Explore.py", "Explore", ":material/scatter_plot:",
     "Run k-means on Iris, a synthetic set or your own table and replay it step by step: "
     "*assign* recolours the points, *update* moves the centres. Pin a run and compare."),
    ("pages/2_Choose_K.py", "Choose K", ":material/tune:",
     "Elbow, silhouette and friends across K, with a knee, a silhouette plot and a study of "
     "how much the initialisation matters."),
    ("pages/3_Compare.py", "Compare algorithms", ":material/grid_view:",
     "k-means against ten other algorithms on the gallery's toy sets and on your data."),
    ("pages/4_Image.py", "Image colours", ":material/palette:",
     "Colour quantization: an image reduced to its K most representative colours."),
    ("pages/5_Learn.py", "Learn k-means", ":material/school:",
     "A guided lesson, one screen at a time: init, assign, update, converge, evaluate."),
    ("pages/6_Documents.py", "Documents", ":material/article:",
     "Cluster a text corpus into topics (20 Newsgroups, or your own files), read each topic's "
     "top terms and find the documents relevant to a question."),
]

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
st.caption("New to k-means? **Learn k-means** below tells the story in eight screens.")

left, right = st.columns([3, 2], gap="large")
with left:
    picture = REPO / "assets" / "explore.png"
    if picture.exists():
        st.image(str(picture), caption="The Explore page as it opens: Iris, "
                 f"K={SETTINGS['sb_k'].default}, one timeline for the whole run")
with right:
    st.subheader("Pages")
    for path, label, icon, blurb in PAGES:
        if (REPO / path).exists():
            st.page_link(path, label=label, icon=icon)
            st.caption(blurb)
    st.caption("Tip: every setting lives in the address bar, so a copied link reopens the "
               "same run. Presentation mode (sidebar) makes everything readable on a projector.")
sync_url()
