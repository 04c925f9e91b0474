"""The sidebar's k-means knobs, shared by the pages that run k-means."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from clustering.engine import DEFAULT_CENTER, DISTANCES
from ui.state import CENTER_CHOICES, INITS, MAX_K, get, notice, set_value, setting

INIT_LABELS = {
    "random": "Random points (Forgy)",
    "random-partition": "Random partition",
    "k-means++": "k-means++",
    "farthest": "Farthest point (maximin)",
    "manual": "Manual: click points on the chart",
}
DISTANCE_LABELS = {"euclidean": "Euclidean", "manhattan": "Manhattan (L1)", "cosine": "Cosine"}
CENTER_LABELS = {
    "auto": "Matching rule (auto)",
    "mean": "Mean",
    "median": "Median",
    "normalized-mean": "Normalised mean (spherical)",
    "medoid": "Medoid (a member point)",
}


@dataclass(frozen=True)
class RunSettings:
    """Plain values that, with the prepared data, determine a k-means run exactly."""

    n_clusters: int
    init: str
    distance: str
    center: str | None
    seed: int
    max_iter: int
    n_init: int
    manual_rows: tuple[int, ...]
    #: Centres the user moved on Explore's timeline, in order (``"step:centre:v1,v2,..."``,
    #: the ``explore_moves`` setting); empty elsewhere.
    moves: tuple[str, ...] = ()

    @property
    def move_list(self) -> list[tuple[int, int, tuple[float, ...]]]:
        """``moves`` as (step, centre, position in the clustering space)."""
        out = []
        for move in self.moves:
            step, center, coords = move.split(":")
            out.append((int(step), int(center), tuple(float(v) for v in coords.split(","))))
        return out

    @property
    def resolved_center(self) -> str:
        return self.center or DEFAULT_CENTER[self.distance]

    def as_dict(self) -> dict:
        return {
            "n_clusters": self.n_clusters,
            "init": self.init,
            "distance": self.distance,
            "center": self.resolved_center,
            "random_state": self.seed,
            "max_iter": self.max_iter,
            "n_init": self.n_init,
            **({"manual_rows": list(self.manual_rows)} if self.init == "manual" else {}),
            **({"moved_centers": [{"step": step, "center": center, "position": list(at)}
                                  for step, center, at in self.move_list]}
               if self.moves else {}),
        }


def k_cap(n_distinct: int) -> int:
    """Largest K offered: never above the number of distinct points."""
    return max(1, min(MAX_K, n_distinct))


def mismatch_warning(distance: str, center: str) -> str | None:
    """A sentence explaining a mismatched distance/centre pair, or None when they match."""
    matching = DEFAULT_CENTER[distance]
    if center in (matching, "medoid"):
        return None
    return (
        f"The {CENTER_LABELS[center].lower()} does not minimise the {DISTANCE_LABELS[distance]} "
        f"distance (the {CENTER_LABELS[matching].lower()} does), so the total error may rise "
        "between steps. That is the lesson of this pairing."
    )


def run_knobs(n_distinct: int) -> RunSettings:
    """Draw K, init, distance, centre rule, seed, max_iter and n_init; return the run settings."""
    st.sidebar.header("k-means")
    cap = k_cap(n_distinct)
    # A cap forced by the data (one_row.csv: K=1) is undone when later data allows more, as
    # long as K is still the forced value (a K the user chose since then stays).
    wanted, forced = st.session_state.pop("sb_k_before_cap", (None, None))
    if wanted is not None and get("sb_k") == forced:
        if cap > forced:
            set_value("sb_k", min(wanted, cap))
        if wanted > get("sb_k"):
            st.session_state["sb_k_before_cap"] = (wanted, get("sb_k"))
    if get("sb_k") > cap:
        notice(f"K={get('sb_k')} is more than the {n_distinct} distinct points in this data; "
               f"using K={cap}.")
        st.session_state["sb_k_before_cap"] = (max(get("sb_k"), wanted or 0), cap)
        set_value("sb_k", cap)
    if cap == 1:
        st.sidebar.caption("Only 1 distinct point in this data, so K is 1.")
        set_value("sb_k", 1)
        k = 1
    else:
        k = setting(st.sidebar.slider, "sb_k", "Number of clusters K", 1, cap,
                    help=f"At most {cap}: K can never exceed the number of distinct points.")
    init = setting(st.sidebar.selectbox, "sb_init", "Initialisation", INITS,
                   format_func=INIT_LABELS.get)
    distance = setting(st.sidebar.selectbox, "sb_distance", "Distance", tuple(DISTANCES),
                       format_func=DISTANCE_LABELS.get)
    chosen = setting(st.sidebar.selectbox, "sb_center", "Centre rule", CENTER_CHOICES,
                     format_func=CENTER_LABELS.get)
    center = None if chosen == "auto" else chosen
    if center is not None and (warning := mismatch_warning(distance, center)):
        st.sidebar.warning(warning, icon=":material/warning:")
    with st.sidebar.expander("Seed and iterations"):
        seed = setting(st.number_input, "sb_seed", "Random seed", 0, 2**31 - 1)
        max_iter = setting(st.number_input, "sb_max_iter", "Max iterations", 1, 1000)
        n_init = setting(st.number_input, "sb_n_init", "Restarts (n_init)", 1, 50,
                         help="Run k-means this many times from different starts and keep "
                              "the best.")
    return RunSettings(
        n_clusters=k,
        init=init,
        distance=distance,
        center=center,
        seed=int(seed),
        max_iter=int(max_iter),
        n_init=int(n_init),
        manual_rows=tuple(get("explore_manual")),
    )
