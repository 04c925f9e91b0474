"""Imported once by the forkserver (and nowhere else): read a tiny table and image so that every
module the readers import lazily is already loaded in each forked child, and keep the children
from re-running the parent's ``__main__`` (a Streamlit page while it runs; see
:func:`clustering.io._sandbox.skip_main_script`).

Without it each child paid about 150 ms on its first ``read_csv``, ``Table.from_pandas`` and
``Image.open`` (pandas, pyarrow and Pillow import parts of themselves on first use), for every
upload; with it, a child costs what a fork costs. Running code at import is deliberate here
and only here: this module exists to be preloaded (see ``_sandbox.PRELOAD``).
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from clustering.image import read_image
from clustering.io._limits import Limits
from clustering.io._loader import _table_task, _unpack
from clustering.io._sandbox import skip_main_script


def _warm() -> None:
    limits = Limits(isolate=False)
    options = {"filename": "warm.csv", "sheet": None, "header": None, "skip_bad_lines": False,
               "limits": limits}
    _unpack(_table_task(b"a,b,c\n1.5,2,x\n2.5,3,y\n", **options))
    png = io.BytesIO()
    Image.fromarray(np.zeros((2, 2, 3), np.uint8)).save(png, format="PNG")
    read_image(png.getvalue(), limits=limits)


skip_main_script()
_warm()
