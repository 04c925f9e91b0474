"""Settings: one dict in ``st.session_state``, mirrored in the URL.

Every page reads and writes the same ``settings`` dict, so moving between pages keeps them.
Widgets get their own keys (``sb_k`` ...), which Streamlit forgets when a page that does not draw
them runs; :func:`bind` restores a widget's value from the settings before it is drawn, and copies
it back afterwards. On the first run of a session the URL's query parameters are parsed into the
settings; values that do not parse fall back to defaults with a notice, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from clustering.compare import ALGORITHMS, CORNER_SCORES, DEFAULT_ALGORITHMS
from clustering.data import DATASETS
from clustering.engine import DISTANCES, INIT_METHODS
from clustering.lesson import INIT_CHOICES, LESSON_DATASETS, SCREENS

UPLOAD = "upload"
CENTER_CHOICES = ("auto", "mean", "median", "normalized-mean", "medoid")
SCALINGS = ("none", "standard", "minmax", "robust")
MISSING = ("drop", "mean", "median")
INITS = (*INIT_METHODS, "manual")
MAX_K = 30


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
        if not lo <= value <= hi:
            raise ValueError(f"must be between {lo} and {hi}")
        return value

    return parse


def _choice(options: tuple[str, ...] | Callable[[], tuple[str, ...]]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        allowed = options() if callable(options) else options
        if raw not in allowed:
            raise ValueError("is not one of the choices")
        return raw

    return parse


def _names(raw: list[str]) -> tuple[str, ...]:
    return tuple(name for name in raw if name)


def _rows(raw: list[str]) -> tuple[int, ...]:
    return tuple(int(part) for part in raw if part)


def _known_names(known: Callable[[], tuple[str, ...]]) -> Callable[[list[str]], tuple[str, ...]]:
    def parse(raw: list[str]) -> tuple[str, ...]:
        names = tuple(name for name in raw if name)
        if not names or any(name not in known() for name in names):
            raise ValueError("is not one of the choices")
        return names

    return parse


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise ValueError("must be 0 or 1")
    return raw == "1"


@dataclass(frozen=True)
class Setting:
    default: Any
    parse: Callable[[Any], Any]
    # Repeated URL keys (``?features=a&features=b``) so names may contain any character.
    multi: bool = False


# name -> default and URL parser. Data-dependent checks (feature names, K against the number of
# distinct points) happen once the data is loaded, in ui.data and ui.knobs.
SETTINGS: dict[str, Setting] = {
    "dataset": Setting("iris", _choice(lambda: (*DATASETS, UPLOAD))),
    "n": Setting(None, _int_in(10, 200_000)),
    "noise": Setting(None, _float_in(0.0, 5.0)),
    "data_seed": Setting(0, _int_in(0, 2**31 - 1)),
    "features": Setting(None, _names, multi=True),
    "label": Setting(None, str),
    "scaling": Setting("standard", _choice(SCALINGS)),
    "missing": Setting("drop", _choice(MISSING)),
    "k": Setting(3, _int_in(1, MAX_K)),
    "init": Setting("k-means++", _choice(INITS)),
    "distance": Setting("euclidean", _choice(tuple(DISTANCES))),
    "center": Setting("auto", _choice(CENTER_CHOICES)),
    "seed": Setting(0, _int_in(0, 2**31 - 1)),
    "max_iter": Setting(100, _int_in(1, 1000)),
    "n_init": Setting(1, _int_in(1, 50)),
    "view": Setting("2d", _choice(("2d", "3d"))),
    "axes": Setting("pca", _choice(("pca", "features"))),
    "x": Setting(None, str),
    "y": Setting(None, str),
    "z": Setting(None, str),
    "voronoi": Setting(False, _flag),
    "manual": Setting((), _rows, multi=True),
    "present": Setting(False, _flag),
    # Choose K page
    "k_max": Setting(10, _int_in(3, 20)),
    "sil_k": Setting(None, _int_in(2, 20)),
    "study_seeds": Setting(20, _int_in(2, 200)),
    # Compare page
    "algorithms": Setting(DEFAULT_ALGORITHMS, _known_names(lambda: tuple(ALGORITHMS)),
                          multi=True),
    "toys": Setting(True, _flag),
    "score": Setting("auto", _choice(tuple(CORNER_SCORES))),
    # Learn page
    "screen": Setting(1, _int_in(1, len(SCREENS))),
    "lesson_data": Setting("blobs", _choice(tuple(LESSON_DATASETS))),
    "lesson_k": Setting(3, _int_in(2, 6)),
    "lesson_init": Setting("random", _choice(tuple(INIT_CHOICES))),
    "lesson_seed": Setting(0, _int_in(0, 9999)),
}

_STATE_KEY = "settings"
_NOTICES_KEY = "settings_notices"


def settings() -> dict[str, Any]:
    """The session's settings dict, parsed from the URL on the session's first run."""
    if _STATE_KEY not in st.session_state:
        params = {name: st.query_params.get_all(name) for name in st.query_params}
        parsed, notices = parse_query(params)
        st.session_state[_STATE_KEY] = parsed
        st.session_state[_NOTICES_KEY] = notices
    return st.session_state[_STATE_KEY]


def parse_query(params: dict[str, list[str]]) -> tuple[dict[str, Any], list[str]]:
    """Turn URL parameters (name -> its values) into settings.

    Values that do not parse fall back to the default with a notice, never an exception.
    """
    values = {name: spec.default for name, spec in SETTINGS.items()}
    notices: list[str] = []
    for name, raws in params.items():
        spec = SETTINGS.get(name)
        if spec is None or not raws:
            continue
        raw = raws if spec.multi else raws[-1]
        try:
            values[name] = spec.parse(raw)
        except ValueError as exc:
            reason = str(exc) if "must" in str(exc) or "choices" in str(exc) else "did not parse"
            shown = ",".join(raws)[:40]
            notices.append(f"Ignored {name}={shown!r} from the link ({reason}); using the default.")
    return values, notices


def notice(message: str) -> None:
    """Queue a small notice for the top of the page (shown once)."""
    st.session_state.setdefault(_NOTICES_KEY, []).append(message)


def show_notices() -> None:
    for message in st.session_state.pop(_NOTICES_KEY, []):
        st.info(message, icon=":material/info:")
    st.session_state[_NOTICES_KEY] = []


def keep_widget_values() -> None:
    """Make the shared sidebar widgets keep their values across a page switch.

    A widget's identity includes its page, so the ``sb_k`` slider drawn by Explore and the
    one drawn by another page are different widgets sharing a key: after a switch the new
    one would start from its default and overwrite the settings. Re-assigning each value
    through the Session State API (Streamlit's documented recipe for multipage apps) hands
    it to whichever page draws the widget next. Runs first on every page, before any widget.
    """
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith("sb_")]:
        if key in _UNSETTABLE:
            continue
        try:
            st.session_state[key] = st.session_state[key]
        except StreamlitAPIException:
            pass  # drawn already on this run, so not stale


# File uploaders cannot be given a value through the Session State API.
_UNSETTABLE = {"sb_upload"}


def recall(key: str, default: Any, store_key: str) -> None:
    """Before drawing a page-only widget that is not a setting: its value from the last visit.

    Streamlit forgets a widget's value while a page that does not draw it runs; pages keep
    such values (e.g. per-algorithm parameters) in a plain dict under ``store_key``.
    """
    if key not in st.session_state:
        st.session_state[key] = st.session_state.setdefault(store_key, {}).get(key, default)


def remember(key: str, value: Any, store_key: str) -> Any:
    """After drawing it: keep the value for the next visit; returns it."""
    st.session_state.setdefault(store_key, {})[key] = value
    return value


def bind(name: str, widget_key: str) -> None:
    """Before drawing a widget: give it the setting's value if Streamlit forgot it."""
    current = settings()[name]
    if widget_key not in st.session_state:
        st.session_state[widget_key] = list(current) if isinstance(current, tuple) else current


def store(name: str, value: Any) -> None:
    """After drawing a widget: copy its value into the settings."""
    settings()[name] = tuple(value) if isinstance(value, list) else value


def set_value(name: str, value: Any, widget_key: str | None = None) -> None:
    """Change a setting from code (a button, a fallback), keeping its widget in step."""
    settings()[name] = value
    if widget_key is not None:
        st.session_state[widget_key] = list(value) if isinstance(value, tuple) else value


def set_data_defaults(**defaults: Any) -> None:
    """Defaults that depend on the data (its default features and label), kept out of links."""
    st.session_state["data_defaults"] = defaults


def to_query(values: dict[str, Any],
             data_defaults: dict[str, Any] | None = None) -> dict[str, str | list[str]]:
    """Settings that differ from their defaults, as URL parameters."""
    query: dict[str, str | list[str]] = {}
    data_defaults = data_defaults or {}
    for name, spec in SETTINGS.items():
        value = values.get(name, spec.default)
        if value == spec.default or value is None:
            continue
        if name in data_defaults and value == data_defaults[name]:
            continue
        if isinstance(value, bool):
            query[name] = "1" if value else "0"
        elif isinstance(value, tuple | list):
            query[name] = [str(part) for part in value]
        else:
            query[name] = str(value)
    return query


def sync_url() -> None:
    """Mirror the settings in the URL, touching it only when something changed."""
    wanted = to_query(settings(), st.session_state.get("data_defaults"))
    current = {
        name: (st.query_params.get_all(name) if SETTINGS[name].multi else st.query_params[name])
        for name in st.query_params
        if name in SETTINGS
    }
    if current != wanted or set(st.query_params) - set(SETTINGS):
        st.query_params.from_dict(wanted)
