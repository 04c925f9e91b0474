"""What the charts draw, computed apart from drawing: 2-D/3-D projections, which rows to show,
nearest-centre regions, a run reduced to what is drawn (:class:`DrawableRun`, the object the
app caches), and everything the replay chart needs from it.
"""
from clustering.view._display import display_rows
from clustering.view._drawable import DrawableRun, drawable_run
from clustering.view._projection import Projection, data_bounds, fit_projection
from clustering.view._regions import RegionGrid
from clustering.view._replay import ReplayInputs, replay_inputs

__all__ = [
    "DrawableRun",
    "Projection",
    "RegionGrid",
    "ReplayInputs",
    "data_bounds",
    "display_rows",
    "drawable_run",
    "fit_projection",
    "replay_inputs",
]
