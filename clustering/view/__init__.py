"""What the charts draw, computed apart from drawing: 2-D/3-D projections, which rows to show,
nearest-centre regions, a run reduced to what is drawn (:class:`DrawableRun`, the object the
app caches), everything the replay chart needs from it, and the timeline's own computations
(step counting, honest axis titles, member means, one-feature strips, dropping a centre).
"""
from clustering.view._display import display_rows
from clustering.view._drawable import DrawableRun, drawable_run
from clustering.view._projection import Projection, data_bounds, fit_projection
from clustering.view._regions import RegionGrid
from clustering.view._replay import ReplayInputs, replay_inputs
from clustering.view._timeline import (
    FINAL_PHASE,
    SCALED_UNITS,
    STRIP_TITLE,
    axis_titles,
    converged,
    display_steps,
    is_strip,
    lift_point,
    member_means,
    stop_reason,
    strip_offsets,
)

__all__ = [
    "FINAL_PHASE",
    "SCALED_UNITS",
    "STRIP_TITLE",
    "DrawableRun",
    "Projection",
    "RegionGrid",
    "ReplayInputs",
    "data_bounds",
    "display_rows",
    "drawable_run",
    "fit_projection",
    "replay_inputs",
    "axis_titles",
    "converged",
    "display_steps",
    "is_strip",
    "lift_point",
    "member_means",
    "stop_reason",
    "strip_offsets",
]
