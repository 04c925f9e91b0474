"""scikit-learn's estimator contract for clustering.engine.KMeans, one instance per distance."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from clustering.engine._kmeans import KMeans


def _expected_failures(estimator):
    if estimator.distance == "cosine":
        return {
            # The check feeds integer data that contains an all-zero row; cosine distance
            # has no value for it and KMeans(distance="cosine") rejects it on purpose.
            "check_estimators_dtypes": "integer test data has an all-zero row",
        }
    return {}


@parametrize_with_checks(
    [
        KMeans(n_clusters=3, random_state=0),
        KMeans(n_clusters=2, init="farthest", distance="manhattan", random_state=0,
               history=False),
        KMeans(n_clusters=2, init="random", distance="cosine", random_state=0),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)
