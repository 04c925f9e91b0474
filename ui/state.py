"""Settings: the one way a widget keeps its value, and every setting in the link.

Every user-facing choice is a :class:`Setting` in :data:`SETTINGS`, keyed by its widget key
and grouped in namespaces: ``app`` (presentation mode), ``sidebar`` (the data and k-means
knobs that Explore, Choose K and Compare share) and one per page. A page draws a setting with
one call, which reads the stored value, draws the widget with it and stores what comes back::

    k = setting(st.sidebar.slider, "sb_k", "Number of clusters K", 1, cap)

The stored values live in one dict in ``st.session_state`` that outlives the widgets:
Streamlit forgets a widget's state while a page that does not draw it runs, and a widget
with the same key on another page is another widget. Handing the stored value to the widget
through the Session State API just before it is drawn (Streamlit's documented multipage
recipe) makes both cases the same. Code that changes a setting (a button, a cap the data
forces) calls :func:`set_value`, and the stored value wins the next time the widget is drawn.

On the first run of a session the URL's query parameters are parsed into the settings; values
that do not parse fall back to their defaults, and one notice lists everything that was
ignored. After every run the URL is rewritten with the settings this page used that differ
from their defaults, so a copied link reopens the same run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from clustering.compare import ALGORITHMS, CORNER_SCORES, DEFAULT_ALGORITHMS
from clustering.data import DATASETS
from clustering.documents import (
    CORPORA,
    DEFAULT_CORPUS,
    DEFAULT_LSA_COMPONENTS,
    MAX_LSA_COMPONENTS,
    MAX_QUERY_CHARS,
)
from clustering.documents import DISTANCES as DOCUMENT_DISTANCES
from clustering.documents import SPLITS as DOCUMENT_SPLITS
from clustering.engine import DISTANCES, INIT_METHODS
from clustering.image import SPACES
from clustering.lesson import INIT_CHOICES, LESSON_DATASETS, SCREENS
from ui.text import md_escape

UPLOAD = "upload"
CENTER_CHOICES = ("auto", "mean", "median", "normalized-mean", "medoid")
SCALINGS = ("none", "standard", "minmax", "robust")
MISSING = ("drop", "mean", "median")
INITS = (*INIT_METHODS, "manual")
MAX_K = 30
#: Explore's tabs; the open one is a setting, so a link reopens it.
EXPLORE_TABS = ("Quality metrics", "What-if: A vs B", "Cluster profiles", "Outliers",
                "What sets clusters apart", "Score new rows", "Download")
#: k-means parameters that Compare takes from the sidebar instead of drawing its own.
COMPARE_FROM_SIDEBAR = ("init", "distance", "center", "n_init", "max_iter")
IMAGE_SAMPLE_SIZES = (5_000, 10_000, 20_000, 50_000)
IMAGE_BACKGROUNDS = ("white", "black", "grey", "ignore")


class _DataDefault:
    """The default of a setting whose default depends on the data (features, label)."""

    def __repr__(self) -> str:
        return "DATA_DEFAULT"


DATA_DEFAULT = _DataDefault()

# --- parsers: raw URL text -> value, ValueError with a short reason otherwise ---------------


def _int_in(lo: int, hi: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw)
        if not lo <= value <= hi:
            raise ValueError(f"must be between {lo} and {hi}")
        return value

    return parse


def _float_in(lo: float, hi: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw)
        if not lo <= value <= hi:  # also refuses nan
            raise ValueError(f"must be between {lo:g} and {hi:g}")
        return value

    return parse


def _choice(options: Iterable[Any] | Callable[[], Iterable[Any]],
            convert: Callable[[str], Any] = str) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        allowed = tuple(options() if callable(options) else options)
        value = convert(raw)
        if value not in allowed:
            raise ValueError("is not one of the choices")
        return value

    return parse


def _names(raw: list[str]) -> tuple[str, ...]:
    return tuple(name for name in raw if name)


def _moves(raw: list[str]) -> tuple[str, ...]:
    """Centres the user moved, in order: ``step:centre:v1,v2,...`` each (``ui.run_view``)."""
    moves = []
    for part in raw:
        if not part:
            continue
        step, center, coords = part.split(":")
        values = [float(v) for v in coords.split(",")]
        if int(step) < 0 or int(center) < 0 or not all(map(math.isfinite, values)):
            raise ValueError("must be step:centre:finite coordinates")
        moves.append(f"{int(step)}:{int(center)}:{','.join(map(repr, values))}")
    return tuple(moves)


def _rows(raw: list[str]) -> tuple[int, ...]:
    return tuple(int(part) for part in raw if part)


def _label(raw: str) -> str | None:
    return raw or None  # an empty value is "no label", which the data's default may not be


def _known_names(known: Callable[[], Iterable[str]]) -> Callable[[list[str]], tuple[str, ...]]:
    def parse(raw: list[str]) -> tuple[str, ...]:
        names = tuple(name for name in raw if name)
        if any(name not in tuple(known()) for name in names):
            raise ValueError("is not one of the choices")
        return names

    return parse


def _text(max_chars: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > max_chars:
            raise ValueError(f"must be at most {max_chars:,} characters")
        return raw

    return parse


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise ValueError("must be 0 or 1")
    return raw == "1"


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A value that may be empty (``?eps=``): empty is None, "choose it from the data"."""
    return lambda raw: None if raw == "" else parse(raw)


def _image_pictures() -> tuple[str, ...]:
    from ui.image import SAMPLES  # ui.image draws its settings with this module

    return (*SAMPLES, UPLOAD)


@dataclass(frozen=True)
class Setting:
    """One user-facing choice: its widget key, link name, namespace, default and parser."""

    key: str  # the widget's key, also the setting's name in the code
    url: str  # the query parameter
    namespace: str  # "app", "sidebar" or a page
    default: Any
    parse: Callable[[Any], Any]
    # Repeated URL keys (``?features=a&features=b``) so names may contain any character.
    multi: bool = False


def _compare_params() -> list[Setting]:
    """One setting per parameter of every Compare algorithm (empty = chosen from the data)."""
    out = []
    for name, spec in ALGORITHMS.items():
        for p in spec.params:
            if name == "kmeans" and p.name in COMPARE_FROM_SIDEBAR:
                continue
            auto = p.default is None or p.name == "n_clusters"
            if p.kind == "choice":
                parse = _choice(p.choices)
            elif p.kind == "bool":
                parse = _flag
            elif p.kind == "int":
                parse = _int_in(int(p.low), int(p.high))
            else:
                parse = _float_in(float(p.low), float(p.high))
            out.append(Setting(f"compare_{name}_{p.name}", f"{name}.{p.name}", "compare",
                               None if auto else p.default, _optional(parse) if auto else parse))
    return out


_ALL: list[Setting] = [
    Setting("sb_present", "present", "app", False, _flag),
    # The shared sidebar: data, preparation and k-means knobs.
    Setting("sb_dataset", "dataset", "sidebar", "iris", _choice(lambda: (*DATASETS, UPLOAD))),
    Setting("sb_n", "n", "sidebar", None, _int_in(10, 200_000)),
    Setting("sb_noise", "noise", "sidebar", None, _float_in(0.0, 5.0)),
    Setting("sb_data_seed", "data_seed", "sidebar", 0, _int_in(0, 2**31 - 1)),
    Setting("sb_features", "features", "sidebar", DATA_DEFAULT, _names, multi=True),
    Setting("sb_label", "label", "sidebar", DATA_DEFAULT, _label),
    Setting("sb_scaling", "scaling", "sidebar", "standard", _choice(SCALINGS)),
    Setting("sb_missing", "missing", "sidebar", "drop", _choice(MISSING)),
    Setting("sb_k", "k", "sidebar", 3, _int_in(1, MAX_K)),
    Setting("sb_init", "init", "sidebar", "k-means++", _choice(INITS)),
    Setting("sb_distance", "distance", "sidebar", "euclidean", _choice(tuple(DISTANCES))),
    Setting("sb_center", "center", "sidebar", "auto", _choice(CENTER_CHOICES)),
    Setting("sb_seed", "seed", "sidebar", 0, _int_in(0, 2**31 - 1)),
    Setting("sb_max_iter", "max_iter", "sidebar", 100, _int_in(1, 1000)),
    Setting("sb_n_init", "n_init", "sidebar", 1, _int_in(1, 50)),
    # Explore
    Setting("explore_view", "view", "explore", "2d", _choice(("2d", "3d"))),
    Setting("explore_axes", "axes", "explore", "pca", _choice(("pca", "features"))),
    Setting("explore_x", "x", "explore", None, str),
    Setting("explore_y", "y", "explore", None, str),
    Setting("explore_z", "z", "explore", None, str),
    Setting("explore_voronoi", "voronoi", "explore", False, _flag),
    Setting("explore_manual", "manual", "explore", (), _rows, multi=True),
    Setting("explore_moves", "move", "explore", (), _moves, multi=True),
    Setting("explore_class_shapes", "class_shapes", "explore", True, _flag),
    Setting("explore_tab", "tab", "explore", EXPLORE_TABS[0], _choice(EXPLORE_TABS)),
    Setting("explore_outlier_rule", "outliers", "explore", "share",
            _choice(("share", "threshold"))),
    Setting("explore_outlier_share", "outlier_share", "explore", 1.0, _float_in(0.1, 50.0)),
    Setting("explore_outlier_cut", "outlier_cut", "explore", 3.0, _float_in(1.0, 100.0)),
    Setting("explore_rings", "rings", "explore", False, _flag),
    Setting("explore_sep_cluster", "explain", "explore", 0, _int_in(0, MAX_K - 1)),
    # Choose K
    Setting("choose_k_kmax", "k_max", "choose_k", 10, _int_in(3, 20)),
    Setting("choose_k_sil_k", "sil_k", "choose_k", None, _int_in(2, 20)),
    Setting("choose_k_seeds", "study_seeds", "choose_k", 20, _int_in(2, 200)),
    # Compare
    Setting("compare_algorithms", "algorithms", "compare", DEFAULT_ALGORITHMS,
            _known_names(lambda: ALGORITHMS), multi=True),
    Setting("compare_toys", "toys", "compare", True, _flag),
    Setting("compare_score", "score", "compare", "auto", _choice(tuple(CORNER_SCORES))),
    Setting("compare_dendrogram", "dendrogram", "compare", None,
            _choice(tuple(n for n in ALGORITHMS if n.startswith("agglomerative_")))),
    *_compare_params(),
    # Image
    Setting("image_choice", "picture", "image", "china.jpg", _choice(_image_pictures)),
    Setting("image_background", "background", "image", "white", _choice(IMAGE_BACKGROUNDS)),
    Setting("image_k", "colors", "image", 16, _int_in(2, 256)),
    Setting("image_space", "space", "image", "rgb", _choice(tuple(SPACES))),
    Setting("image_sample_size", "pixels", "image", 20_000, _choice(IMAGE_SAMPLE_SIZES, int)),
    Setting("image_seed", "image_seed", "image", 0, _int_in(0, 2**31 - 1)),
    Setting("image_compare", "baselines", "image", False, _flag),
    Setting("image_zoom", "zoom", "image", False, _flag),
    Setting("image_zoom_x", "zoom_x", "image", 50, _int_in(0, 100)),
    Setting("image_zoom_y", "zoom_y", "image", 50, _int_in(0, 100)),
    Setting("image_point_color", "point_color", "image", "palette", _choice(("palette", "own"))),
    # Learn
    Setting("learn_screen", "screen", "learn", 1, _int_in(1, len(SCREENS))),
    Setting("learn_dataset", "lesson_data", "learn", "blobs", _choice(tuple(LESSON_DATASETS))),
    Setting("learn_k", "lesson_k", "learn", 3, _int_in(2, 6)),
    Setting("learn_init", "lesson_init", "learn", "random", _choice(tuple(INIT_CHOICES))),
    Setting("learn_seed", "lesson_seed", "learn", 0, _int_in(0, 9999)),
    # Documents (the upload's reading options are settings too; the upload is not)
    Setting("documents_corpus", "corpus", "documents", DEFAULT_CORPUS,
            _choice(lambda: (*CORPORA, UPLOAD))),
    Setting("documents_split", "split", "documents", "lines", _choice(DOCUMENT_SPLITS)),
    Setting("documents_text", "text_column", "documents", None, _label),
    Setting("documents_label", "label_column", "documents", None, _label),
    Setting("documents_title", "title_column", "documents", None, _label),
    Setting("documents_min_df", "min_df", "documents", 2, _int_in(1, 1000)),
    Setting("documents_max_df", "max_df", "documents", 0.5, _float_in(0.01, 1.0)),
    Setting("documents_stop_words", "stop_words", "documents", True, _flag),
    Setting("documents_bigrams", "bigrams", "documents", False, _flag),
    Setting("documents_sublinear", "sublinear_tf", "documents", False, _flag),
    Setting("documents_vocabulary", "vocabulary", "documents", 20_000, _int_in(100, 200_000)),
    Setting("documents_lsa", "lsa", "documents", True, _flag),
    Setting("documents_components", "components", "documents", DEFAULT_LSA_COMPONENTS,
            _int_in(2, MAX_LSA_COMPONENTS)),
    Setting("documents_k", "doc_k", "documents", 4, _int_in(2, MAX_K)),
    Setting("documents_distance", "doc_distance", "documents", "cosine",
            _choice(DOCUMENT_DISTANCES)),
    Setting("documents_seed", "doc_seed", "documents", 0, _int_in(0, 2**31 - 1)),
    Setting("documents_n_init", "doc_n_init", "documents", 1, _int_in(1, 20)),
    Setting("documents_max_iter", "doc_max_iter", "documents", 100, _int_in(1, 1000)),
    Setting("documents_cluster", "doc_cluster", "documents", 0, _int_in(0, MAX_K - 1)),
    Setting("documents_query", "q", "documents", "", _text(MAX_QUERY_CHARS)),
    Setting("documents_results", "results", "documents", 10, _int_in(1, 50)),
    Setting("documents_kmax", "doc_k_max", "documents", 10, _int_in(3, 20)),
]

SETTINGS: dict[str, Setting] = {s.key: s for s in _ALL}
"""Every setting of every page, by widget key."""
BY_URL: dict[str, Setting] = {s.url: s for s in _ALL}
if len(SETTINGS) != len(_ALL) or len(BY_URL) != len(_ALL):
    raise RuntimeError("two settings share a widget key or a link name")

_VALUES = "settings"
_NOTICES = "settings_notices"
_PENDING = "settings_pending"  # keys changed from code: the stored value wins at the next draw
_USED = "settings_used"  # keys this page used in its last full run: they go in the link
_DATA_DEFAULTS = "settings_data_defaults"
# Query parameters Streamlit itself reads.
_STREAMLIT_PARAMS = ("embed", "embed_options")


# --- reading and drawing ---------------------------------------------------------------------


def values() -> dict[str, Any]:
    """The session's settings (widget key -> value), parsed from the URL on its first run."""
    if _VALUES not in st.session_state:
        params = {name: st.query_params.get_all(name) for name in st.query_params}
        parsed, notices = parse_query(params)
        st.session_state[_VALUES] = parsed
        st.session_state[_NOTICES] = notices
    stored = st.session_state[_VALUES]
    if len(stored) < len(SETTINGS):  # settings added while the session was open
        for key, spec in SETTINGS.items():
            stored.setdefault(key, spec.default)
    return stored


def get(key: str) -> Any:
    """A setting's value; the page that reads it puts it in its link."""
    if key not in SETTINGS:
        raise KeyError(f"{key!r} is not a setting: add it to ui.state's registry (and a walk "
                       "to tests/pages/test_links.py)")
    st.session_state.setdefault(_USED, set()).add(key)
    return values()[key]


def peek(key: str) -> Any:
    """The value a setting's widget will show when it is drawn later in this run."""
    get(key)
    state = st.session_state
    pending = state.setdefault(_PENDING, set())
    if key in pending or key not in state:
        pending.discard(key)
        value = values()[key]
        try:
            state[key] = list(value) if isinstance(value, tuple) else value
        except StreamlitAPIException:
            pass  # drawn already on this run (a second draw is a caller's bug)
        return value
    try:
        # A value kept from the same key on another page, or the user's latest change:
        # re-assigning it hands it to whichever widget this page draws.
        state[key] = state[key]
    except StreamlitAPIException:
        pass
    value = state[key]
    return tuple(value) if isinstance(value, list) else value


def setting(widget: Callable[..., Any], key: str, *args: Any, **kwargs: Any) -> Any:
    """Draw ``widget(*args, key=key, **kwargs)`` with the setting's value; store and return
    what it returns.

    Never pass ``value=`` (or ``index=``, ``default=``) for the setting itself: the value comes
    from the settings, whose defaults live in :data:`SETTINGS`.
    """
    peek(key)
    value = widget(*args, key=key, **kwargs)
    values()[key] = tuple(value) if isinstance(value, list) else value
    return values()[key]


def set_value(key: str, value: Any) -> None:
    """Change a setting from code (a button, a cap); its widget shows it at its next draw."""
    values()[key] = tuple(value) if isinstance(value, list) else value
    st.session_state.setdefault(_PENDING, set()).add(key)


def set_data_default(key: str, value: Any) -> None:
    """The value a data-dependent setting takes by default here; links leave it out."""
    st.session_state.setdefault(_DATA_DEFAULTS, {})[key] = value


def snapshot(*namespaces: str) -> dict[str, Any]:
    """The settings of some namespaces, e.g. to pin a run."""
    return {key: value for key, value in values().items()
            if SETTINGS[key].namespace in namespaces}


def restore(saved: dict[str, Any]) -> None:
    """Bring back a :func:`snapshot`; every other setting keeps its value."""
    for key, value in saved.items():
        set_value(key, value)


def start_run() -> None:
    """First call of every full page run: parse the link once, forget the last page's use."""
    values()
    st.session_state[_USED] = set()


# --- notices -------------------------------------------------------------------------------


def parse_query(params: dict[str, list[str]]) -> tuple[dict[str, Any], list[str]]:
    """Turn URL parameters (name -> its values) into settings.

    Values that do not parse fall back to the default with a notice, never an exception.
    """
    values = {key: spec.default for key, spec in SETTINGS.items()}
    notices: list[str] = []
    for name, raws in params.items():
        spec = BY_URL.get(name)
        if name in _STREAMLIT_PARAMS or not raws:
            continue
        shown = ",".join(raws)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        if spec is None:
            notices.append(f"Ignored {name}={shown!r} from the link (not a setting of this "
                           "app).")
            continue
        try:
            values[spec.key] = spec.parse(raws if spec.multi else raws[-1])
        except (ValueError, TypeError) as exc:
            reason = str(exc) if "must" in str(exc) or "choices" in str(exc) else "did not parse"
            notices.append(f"Ignored {name}={shown!r} from the link ({reason}); using the "
                           "default.")
    return values, notices


def notice(message: str) -> None:
    """Queue a plain-text notice (never Markdown) for the top of the page, shown once."""
    st.session_state.setdefault(_NOTICES, []).append(message)


def notices_markdown(messages: list[str]) -> str:
    """One notice for all the messages, each shown literally."""
    unique = list(dict.fromkeys(messages))
    if len(unique) == 1:
        return md_escape(unique[0])
    items = "\n".join(f"- {md_escape(message)}" for message in unique)
    return f"{len(unique)} settings could not be used as given:\n\n{items}"


def show_notices() -> None:
    """The queued notices, in one box."""
    messages = st.session_state.pop(_NOTICES, [])
    st.session_state[_NOTICES] = []
    if messages:
        st.info(notices_markdown(messages), icon=":material/info:")


# --- the link ------------------------------------------------------------------------------


def _encode(value: Any) -> str | list[str]:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple | list):
        # An empty list is one empty value, so "none chosen" survives the link.
        return [str(part) for part in value] or [""]
    return str(value)


def to_query(settings: dict[str, Any], keys: Iterable[str],
             data_defaults: dict[str, Any] | None = None) -> dict[str, str | list[str]]:
    """The settings among ``keys`` that differ from their defaults, as URL parameters."""
    query: dict[str, str | list[str]] = {}
    data_defaults = data_defaults or {}
    for key in sorted(set(keys), key=list(SETTINGS).index):
        spec, value = SETTINGS[key], settings[key]
        if value is DATA_DEFAULT:
            continue
        default = data_defaults.get(key, spec.default)
        if value == default and isinstance(value, bool) == isinstance(default, bool):
            continue
        query[spec.url] = _encode(value)
    return query


def link_query() -> dict[str, str | list[str]]:
    """The query this page's URL should carry."""
    return to_query(values(), st.session_state.get(_USED, set()),
                    st.session_state.get(_DATA_DEFAULTS))


def sync_url() -> None:
    """Mirror the settings this page used in the URL, touching it only when it changed."""
    wanted = link_query()
    current = {name: st.query_params.get_all(name) for name in st.query_params}
    if current != {name: value if isinstance(value, list) else [value]
                   for name, value in wanted.items()}:
        st.query_params.from_dict(wanted)
