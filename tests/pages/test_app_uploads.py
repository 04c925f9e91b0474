"""Issue 16's upload items on the Explore page (AppTest): what the data forced is undone when
the data allows, what changes the run is said where it is seen, long names are cut in tags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.apptest_helpers import page
from tests.conftest import corpus_file
from tests.io.hostile import named

pytestmark = pytest.mark.timeout(180)


def upload(at, name: str, data: bytes):
    at.file_uploader(key="sb_upload").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def summary(at) -> str:
    return at.success[0].value


def outside_expanders(at) -> list[str]:
    """Warnings shown on the page itself, not inside a collapsed box."""
    inside = {id(w.proto) for box in at.expander for w in box.warning}
    return [w.value for w in at.warning if id(w.proto) not in inside]


def test_a_k_cap_forced_by_one_row_is_undone_by_a_bigger_upload():
    at = page("pages/1_Explore.py").run()
    upload(at, "one_row.csv", corpus_file("one_row.csv").read_bytes())
    assert "K=1" in summary(at)
    upload(at, "good_baseline.csv", corpus_file("good_baseline.csv").read_bytes())
    assert at.slider(key="sb_k").value == 3
    assert "K=3 on 60 rows" in summary(at)


def test_a_k_chosen_after_the_cap_stays():
    at = page("pages/1_Explore.py").run()
    at.slider(key="sb_k").set_value(5).run()
    three = b"a,b\n1.5,2\n2.5,3\n3.5,1\n"  # 3 distinct points: K is capped to 3
    upload(at, "three.csv", three)
    assert at.slider(key="sb_k").value == 3
    at.slider(key="sb_k").set_value(2).run()
    upload(at, "good_baseline.csv", corpus_file("good_baseline.csv").read_bytes())
    assert at.slider(key="sb_k").value == 2  # the user's choice, not the 5 from before the cap


def test_the_k_before_the_cap_comes_back_within_the_new_cap():
    at = page("pages/1_Explore.py").run()
    at.slider(key="sb_k").set_value(5).run()
    upload(at, "three.csv", b"a,b\n1.5,2\n2.5,3\n3.5,1\n")
    upload(at, "four.csv", b"a,b\n1.5,2\n2.5,3\n3.5,1\n0.5,0\n")
    assert at.slider(key="sb_k").value == 4
    upload(at, "good_baseline.csv", corpus_file("good_baseline.csv").read_bytes())
    assert at.slider(key="sb_k").value == 5


def test_dropped_rows_are_a_visible_warning():
    at = upload(page("pages/1_Explore.py").run(), "some_nans.csv", named("some_nans.csv"))
    assert any("Dropped 46 of 60 rows" in w for w in outside_expanders(at))


def test_an_all_unique_label_is_allowed_with_a_visible_warning():
    at = upload(page("pages/1_Explore.py").run(), "label_all_unique.csv",
                named("label_all_unique.csv"))
    assert "name" in at.selectbox(key="sb_label").options
    at.selectbox(key="sb_label").set_value("name").run()
    assert not at.exception
    assert any("Every row has its own value in the label column" in w
               for w in outside_expanders(at))


def test_a_5000_character_header_is_cut_in_the_features_tag():
    header = "h" * 5_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({header: rng.normal(size=30), "x": rng.normal(size=30)})
    at = upload(page("pages/1_Explore.py").run(), "long.csv", frame.to_csv(index=False).encode())
    features = at.multiselect(key="sb_features")
    assert features.value == [header, "x"]  # the value is the whole name
    assert max(len(option) for option in features.options) <= 60
