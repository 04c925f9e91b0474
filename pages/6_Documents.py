"""Documents: cluster a text corpus into topics and find the documents relevant to a question."""

import streamlit as st

from ui.documents import (
    choose_k_section,
    corpus_summary,
    doc_evaluation,
    doc_run,
    downloads,
    headline,
    kmeans_knobs,
    map_section,
    pick_corpus,
    prepare,
    quality_section,
    search_section,
    text_settings,
    topics_section,
    vector_note,
    words_section,
)
from ui.errors import page_guard
from ui.layout import setup_page
from ui.state import show_notices, sync_url

setup_page("Documents")
st.title("Documents: topics in a corpus")
st.caption("Rich document archives are hard to search: k-means clumps documents that use the "
           "same words into topics, and a question finds its nearest documents.")

with page_guard():
    source, corpus = pick_corpus()
    settings, n_components, cap_note = text_settings(corpus.n_documents)
    knobs = kmeans_knobs(corpus.n_documents)
    show_notices()
    data = prepare(source, corpus, settings, n_components, knobs.seed)
    run = doc_run(data, knobs)
    evaluation = doc_evaluation(data, knobs)
    corpus_summary(data, cap_note)
    vector_note(data)
    headline(data, run, evaluation)
    # A keyed tab bar tracks its state: a rerun (a search) keeps the open tab, and a tab
    # knows whether it is open.
    topics, where, find, quality, words, choose, files = st.tabs(
        ["Topics", "Document map", "Find documents", "Quality", "Lengths and words",
         "Choose K", "Download"], key="documents_tab", on_change="rerun")
    with topics:
        cluster = topics_section(data, knobs)
    with where:
        if where.open is not False:  # the replay is the costliest figure: built when shown
            map_section(data, run, knobs)
    with find:
        search_section(data, knobs)
    with quality:
        quality_section(data, knobs, evaluation)
    with words:
        words_section(data, knobs, cluster)
    with choose:
        choose_k_section(data, knobs)
    with files:
        downloads(data, knobs)
sync_url()
