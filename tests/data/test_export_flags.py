"""The labelled download carries outlier columns; scored new rows keep their original columns."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from clustering.data import labeled_csv

pytestmark = pytest.mark.timeout(30)


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_extra_columns_follow_the_distance_and_leave_dropped_rows_empty():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "outlier": ["=x", "y", "z"]})
    data = labeled_csv(frame, np.array([0, 2]), np.array([1, 0]), np.array([0.5, 1.5]),
                       extra={"outlier_score": np.array([1.0, 3.25]),
                              "outlier": np.array([False, True])}, status="assigned")
    table = rows(data)
    assert table[0] == ["a", "outlier", "cluster", "distance_to_center", "outlier_score",
                        "outlier (2)", "status"]
    assert table[1] == ["1", "'=x", "1", "0.5", "1", "false", "assigned"]
    assert table[2] == ["2", "y", "", "", "", "", "dropped (missing values)"]
    assert table[3] == ["3", "z", "0", "1.5", "3.25", "true", "assigned"]


def test_extra_columns_must_match_the_clustered_rows():
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(ValueError, match="column 'flag'"):
        labeled_csv(frame, np.array([0, 1]), np.array([0, 0]), extra={"flag": np.array([1.0])})
