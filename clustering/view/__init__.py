"""What the charts draw, computed apart from drawing: 2-D/3-D projections, which rows to show,
nearest-centre regions, and everything the replay chart needs from a run.
"""
from clustering.view._display import display_rows
from clustering.view._projection import Projection, data_bounds, fit_projection
from clustering.view._regions import RegionGrid
from clustering.view._replay import ReplayInputs, replay_inputs

__all__ = [
    "Projection",
    "RegionGrid",
    "ReplayInputs",
    "data_bounds",
    "display_rows",
    "fit_projection",
    "replay_inputs",
]
