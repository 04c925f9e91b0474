"""What makes each cluster different: standardised differences, over-represented levels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clustering.evaluation import cluster_profiles, cluster_separation

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def table():
    # Cluster 0: high "petal length", low "<b>width</b>", mostly plan "gold".
    return pd.DataFrame({
        "petal length": [5.0, 6.0, 7.0, 1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
        "<b>width</b>": [1.0, 1.0, 1.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.1],
        "noise": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
        "plan": ["gold", "gold", "basic", "basic", "basic", "basic", "basic", "basic", None],
    })  # fmt: skip


LABELS = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])


def test_effects_are_standardised_mean_differences(table):
    sep = cluster_separation(table, np.arange(9), LABELS, 3,
                             ["petal length", "<b>width</b>", "noise"], ["plan"])
    rows = sep.for_cluster(0)
    length = rows[rows["feature"] == "petal length"].iloc[0]
    values = table["petal length"].to_numpy()
    expected = (values[:3].mean() - values[3:].mean()) / values.std()
    assert length["effect"] == pytest.approx(expected)
    assert length["in_cluster"] == pytest.approx(6.0)
    noise = rows[rows["feature"] == "noise"].iloc[0]
    assert noise["effect"] == pytest.approx(0.0)


def test_rows_are_sorted_by_size_of_effect(table):
    sep = cluster_separation(table, np.arange(9), LABELS, 3,
                             ["petal length", "<b>width</b>", "noise"], ["plan"])
    for j in range(3):
        effects = sep.for_cluster(j)["effect"].abs().to_numpy()
        assert (np.diff(effects) <= 1e-12).all()
    assert sep.for_cluster(0)["feature"].tolist()[:2] == ["<b>width</b>", "petal length"]


def test_only_over_represented_levels_are_listed(table):
    sep = cluster_separation(table, np.arange(9), LABELS, 3, [], ["plan"])
    zero = sep.for_cluster(0)
    assert zero["feature"].tolist() == ["plan = gold"]
    gold = zero.iloc[0]
    p = 2 / 9
    assert gold["effect"] == pytest.approx((2 / 3 - 0) / np.sqrt(p * (1 - p)))
    # Cluster 2 has "basic" in 2 of 3 rows, as often as elsewhere (4 of 6): not listed.
    assert sep.for_cluster(2)["level"].tolist() == ["(missing)"]
    assert (sep.table["effect"] > 0).all()


def test_one_plain_sentence_per_cluster_in_the_tables_own_words(table):
    sep = cluster_separation(table, np.arange(9), LABELS, 4,
                             ["petal length", "<b>width</b>", "noise"], ["plan"])
    assert sep.sentences[0] == ("Cluster 0: low <b>width</b> (-2.1 sd), high petal length "
                                "(+1.9 sd), plan is 'gold' in 67% (0% elsewhere).")
    assert sep.sentences[3] == "Cluster 3 is empty."
    assert len(sep.sentences) == 4


def test_a_single_cluster_has_nothing_to_compare_with(table):
    sep = cluster_separation(table, np.arange(9), np.zeros(9, int), 1, ["noise"])
    assert sep.table.empty
    assert sep.sentences == ["Cluster 0 holds every row, so there is nothing to compare it with."]


def test_profiles_show_level_shares_in_the_tables_words(table):
    profile = cluster_profiles(table, np.arange(9), LABELS, ["noise"], 3, categorical=["plan"])
    assert profile["plan"].tolist() == ["gold 67%, basic 33%", "basic 100%",
                                        "basic 67%, (missing) 33%"]
    assert profile["noise"].tolist() == [2.0, 2.0, 2.0]
