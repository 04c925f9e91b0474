"""Cluster Explorer: landing page."""

import streamlit as st

st.set_page_config(page_title="Cluster Explorer", page_icon="🔵", layout="wide")
st.title("Cluster Explorer")
st.write("Watch k-means cluster your data, step by step.")
