"""The registry's entries: one :class:`AlgorithmSpec` per algorithm, with its fit function.

Each fit function takes checked, fully resolved parameters and the rows to cluster, and
returns raw labels (negative = noise); :func:`clustering.compare.run_algorithm` does the
validation, sampling, timing and renumbering. Size limits (``max_rows``) were measured on
the project's 2-core machine with one thread: every entry fits its limit in about 2 s or less.
"""

from __future__ import annotations

import numpy as np
from sklearn import cluster, mixture
from sklearn.neighbors import kneighbors_graph

from clustering.compare import _auto as auto
from clustering.compare import _guards as guards
from clustering.compare._types import AlgorithmSpec, ParamSpec
from clustering.engine import DISTANCES, INIT_METHODS, kmeans

__all__ = ["SPECS"]

def _seed(rng: np.random.RandomState) -> int:
    return int(rng.randint(np.iinfo(np.int32).max))


def _k(n_clusters: int, X: np.ndarray) -> int:
    if n_clusters > X.shape[0]:
        raise ValueError(f"n_clusters={n_clusters} is more than the {X.shape[0]} rows")
    return n_clusters


# --- parameters shared by several entries ------------------------------------------------

N_CLUSTERS = ParamSpec(
    "n_clusters", "Number of clusters", "int", 3, 1, 30,
    help="How many clusters to make. Left empty: the true number of classes on the toy sets, "
         "the sidebar's K on your data.",
)


def _fit_ours(X, p, rng):
    center = None if p["center"] == "auto" else p["center"]
    return kmeans(X, _k(p["n_clusters"], X), init=p["init"], distance=p["distance"],
                  center=center, n_init=p["n_init"], max_iter=p["max_iter"],
                  random_state=rng, history=False).labels


def _fit_minibatch(X, p, rng):
    return cluster.MiniBatchKMeans(
        _k(p["n_clusters"], X), batch_size=p["batch_size"], n_init=p["n_init"],
        random_state=rng,
    ).fit_predict(X)


def _agglomerative(linkage: str):
    def fit(X, p, rng):
        connectivity = None
        if p["connectivity"] > 0 and X.shape[0] > 1:
            neighbors = min(p["connectivity"], X.shape[0] - 1)
            connectivity = kneighbors_graph(X, neighbors, include_self=False)
            connectivity = 0.5 * (connectivity + connectivity.T)
        metric = "euclidean" if linkage == "ward" else p["metric"]
        return cluster.AgglomerativeClustering(
            _k(p["n_clusters"], X), linkage=linkage, metric=metric, connectivity=connectivity,
        ).fit_predict(X)

    return fit


def _fit_dbscan(X, p, rng):
    return cluster.DBSCAN(eps=p["eps"], min_samples=p["min_samples"]).fit_predict(X)


def _fit_hdbscan(X, p, rng):
    size = max(2, min(p["min_cluster_size"], X.shape[0]))
    return cluster.HDBSCAN(min_cluster_size=size, min_samples=p["min_samples"],
                           copy=True).fit_predict(X)


def _fit_optics(X, p, rng):
    return cluster.OPTICS(min_samples=min(p["min_samples"], X.shape[0]), xi=p["xi"],
                          min_cluster_size=p["min_cluster_size"]).fit_predict(X)


def _fit_meanshift(X, p, rng):
    return cluster.MeanShift(bandwidth=p["bandwidth"], bin_seeding=p["bin_seeding"],
                             cluster_all=p["cluster_all"]).fit_predict(X)


def _fit_spectral(X, p, rng):
    n = X.shape[0]
    return cluster.SpectralClustering(
        _k(p["n_clusters"], X), affinity=p["affinity"], n_neighbors=min(p["n_neighbors"], n - 1),
        gamma=p["gamma"], assign_labels=p["assign_labels"], eigen_solver="arpack",
        random_state=_seed(rng),
    ).fit_predict(X)


def _fit_gmm(X, p, rng):
    return mixture.GaussianMixture(
        _k(p["n_clusters"], X), covariance_type=p["covariance_type"], n_init=p["n_init"],
        random_state=rng,
    ).fit_predict(X)


def _fit_birch(X, p, rng):
    model = cluster.Birch(threshold=p["threshold"], branching_factor=p["branching_factor"],
                          n_clusters=None).fit(X)
    m = len(model.subcluster_centers_)
    if m > guards.BIRCH_MAX_SUBCLUSTERS:
        raise ValueError(
            f"threshold={p['threshold']:.3g} left {m:,} subclusters (more than "
            f"{guards.BIRCH_MAX_SUBCLUSTERS:,}); raise the threshold"
        )
    k = min(_k(p["n_clusters"], X), m)
    # partial_fit() without data runs only the global step, on the subclusters.
    model.set_params(n_clusters=cluster.AgglomerativeClustering(n_clusters=k))
    model.partial_fit()
    return model.predict(X)


def _fit_affinity(X, p, rng):
    model = cluster.AffinityPropagation(damping=p["damping"], preference=p["preference"],
                                        max_iter=p["max_iter"], random_state=rng).fit(X)
    if len(model.cluster_centers_indices_) == 0 or model.n_iter_ >= p["max_iter"]:
        # scikit-learn then returns degenerate labels (all -1, or one cluster per point in
        # recent versions), which would read as a real result.
        raise ValueError(f"it did not converge in max_iter={p['max_iter']} iterations; "
                         "raise the damping or the iterations")
    return model.labels_


# --- the entries ----------------------------------------------------------------------------

_LINKAGE_TEXT = {
    "ward": "merges the pair of clusters whose union adds least within-cluster variance: "
            "round, even clusters.",
    "complete": "merges the pair whose farthest members are closest: compact clusters.",
    "average": "merges the pair with the smallest mean distance between members.",
    "single": "merges the pair whose nearest members are closest: follows chains and "
              "thin shapes, and is fooled by bridges of noise.",
}
_CONNECTIVITY = ParamSpec(
    "connectivity", "Neighbour graph (0 = none)", "int", 0, 0, 50,
    help="Only merge clusters that are neighbours in a k-nearest-neighbour graph with this "
         "many neighbours; 0 lets any pair merge.",
)
_AGG_METRIC = ParamSpec("metric", "Distance", "choice", "euclidean",
                        choices=("euclidean", "manhattan", "cosine"),
                        help="Distance between points (ward is always Euclidean).")


def _agglomerative_spec(linkage: str) -> AlgorithmSpec:
    params = (N_CLUSTERS, _CONNECTIVITY) + (() if linkage == "ward" else (_AGG_METRIC,))
    single = linkage == "single"
    return AlgorithmSpec(
        name=f"agglomerative_{linkage}",
        title=f"Agglomerative ({linkage})",
        description=f"Bottom-up merging; {linkage} linkage {_LINKAGE_TEXT[linkage]}",
        params=params,
        takes_k=True,
        marks_noise=False,
        time_cost="quadratic",
        memory_cost="linear" if single else "quadratic",
        max_rows=10_000 if single else 3_000,
        oversize="sample",
        fit=_agglomerative(linkage),
        pairwise=True,
        short=f"{linkage.capitalize()} linkage",
        why_limit="It compares every pair of clusters at each merge "
                  + ("(time grows with n squared)." if single
                     else "and keeps an n-by-n distance matrix."),
    )


SPECS: tuple[AlgorithmSpec, ...] = (
    AlgorithmSpec(
        name="kmeans", short="k-means",
        title="k-means (ours)",
        description="This app's k-means with the sidebar's initialisation, distance and "
                    "centre rule: round clusters of similar size.",
        params=(
            N_CLUSTERS,
            ParamSpec("init", "Initialisation", "choice", "k-means++",
                      choices=tuple(INIT_METHODS), help="Follows the sidebar."),
            ParamSpec("distance", "Distance", "choice", "euclidean",
                      choices=tuple(DISTANCES), help="Follows the sidebar."),
            ParamSpec("center", "Centre rule", "choice", "auto",
                      choices=("auto", "mean", "median", "normalized-mean", "medoid"),
                      help="Follows the sidebar."),
            ParamSpec("n_init", "Restarts", "int", 1, 1, 50, help="Follows the sidebar."),
            ParamSpec("max_iter", "Max iterations", "int", 100, 1, 1000,
                      help="Follows the sidebar."),
        ),
        takes_k=True, marks_noise=False, time_cost="linear", memory_cost="linear",
        max_rows=200_000, oversize="sample", fit=_fit_ours,
        why_limit="The medoid rule is quadratic within each cluster.",
    ),
    AlgorithmSpec(
        name="minibatch_kmeans", short="Mini-batch k-means",
        title="Mini-batch k-means",
        description="k-means updated from small random batches: faster on big data, "
                    "slightly worse centres.",
        params=(
            N_CLUSTERS,
            ParamSpec("batch_size", "Batch size", "int", 1024, 100, 100_000,
                      help="Rows per update step."),
            ParamSpec("n_init", "Restarts", "int", 3, 1, 10,
                      help="Starts tried; the best is kept."),
        ),
        takes_k=True, marks_noise=False, time_cost="linear", memory_cost="linear",
        max_rows=200_000, oversize="sample", fit=_fit_minibatch,
    ),
    *(_agglomerative_spec(linkage) for linkage in ("ward", "complete", "average", "single")),
    AlgorithmSpec(
        name="dbscan",
        title="DBSCAN",
        description="Clusters are dense regions joined through core points; points in sparse "
                    "regions are noise. Finds any shape, but one density for all clusters.",
        params=(
            ParamSpec("min_samples", "Points in a core neighbourhood (min_samples)", "int",
                      None, 2, 500, auto=auto.min_samples_rule,
                      help="Neighbours (itself included) a point needs to be a core point. "
                           "Auto: twice the number of features, between 10 and 50."),
            ParamSpec("eps", "Neighbourhood radius (eps)", "float", None, 1e-9, 1e9,
                      auto=auto.dbscan_eps,
                      help="Auto: the knee of the sorted k-distance curve (shown below "
                           "the table)."),
        ),
        takes_k=False, marks_noise=True, time_cost="n log n", memory_cost="linear",
        max_rows=20_000, oversize="sample", fit=_fit_dbscan, row_budget=guards.dbscan_budget,
        pairwise=True,
        why_limit="It stores every point's neighbourhood, which grows with n and with eps.",
    ),
    AlgorithmSpec(
        name="hdbscan",
        title="HDBSCAN",
        description="DBSCAN over every radius at once, keeping the most persistent clusters: "
                    "clusters of different densities, noise left out.",
        params=(
            ParamSpec("min_cluster_size", "Smallest cluster", "int", None, 2, 100_000,
                      auto=auto.hdbscan_min_cluster_size,
                      help="Groups smaller than this are noise. Auto: 3% of the rows, "
                           "between 5 and 500."),
            ParamSpec("min_samples", "Smoothing (min_samples)", "int", 5, 1, 500,
                      help="Larger values make the density estimate smoother and call "
                           "more points noise."),
        ),
        takes_k=False, marks_noise=True, time_cost="quadratic", memory_cost="linear",
        max_rows=10_000, oversize="sample", fit=_fit_hdbscan, pairwise=True,
        why_limit="Building its minimum spanning tree takes minutes on 100,000 rows.",
    ),
    AlgorithmSpec(
        name="optics",
        title="OPTICS",
        description="Orders points by reachability and cuts clusters where density drops "
                    "steeply (xi); noise left out.",
        params=(
            ParamSpec("min_samples", "Points in a core neighbourhood", "int", 7, 2, 500,
                      help="As DBSCAN's min_samples."),
            ParamSpec("xi", "Steepness (xi)", "float", 0.05, 0.001, 0.999,
                      help="How steep a drop in reachability ends a cluster."),
            ParamSpec("min_cluster_size", "Smallest cluster (share of rows)", "float", 0.1,
                      0.001, 1.0, help="As a fraction of the rows."),
        ),
        takes_k=False, marks_noise=True, time_cost="quadratic", memory_cost="linear",
        max_rows=1_000, oversize="sample", fit=_fit_optics, pairwise=True,
        why_limit="Its Python-level ordering loop takes about 2 ms per row here.",
    ),
    AlgorithmSpec(
        name="meanshift", short="Mean shift",
        title="Mean shift",
        description="Moves seeds uphill to the densest spots; each peak is a cluster. "
                    "Finds the number of clusters itself.",
        params=(
            ParamSpec("bandwidth", "Bandwidth", "float", None, 1e-9, 1e9,
                      auto=auto.meanshift_bandwidth,
                      help="Kernel radius. Auto: estimate_bandwidth at quantile 0.2 on a "
                           "500-row sample."),
            ParamSpec("bin_seeding", "Seeds on a grid", "bool", True,
                      help="Start from a grid of bins instead of every point (much faster)."),
            ParamSpec("cluster_all", "Assign every point", "bool", True,
                      help="Off: points outside every kernel are noise."),
        ),
        takes_k=False, marks_noise=True, time_cost="quadratic", memory_cost="linear",
        max_rows=20_000, oversize="sample", fit=_fit_meanshift, pairwise=True,
        row_budget=guards.meanshift_budget,
        why_limit="Every seed searches its neighbours at every step.",
    ),
    AlgorithmSpec(
        name="spectral",
        title="Spectral",
        description="Clusters the eigenvectors of a similarity graph: follows connected "
                    "shapes such as rings and moons.",
        params=(
            N_CLUSTERS,
            ParamSpec("affinity", "Similarity graph", "choice", "nearest_neighbors",
                      choices=("nearest_neighbors", "rbf"),
                      help="k-nearest-neighbour graph, or a Gaussian kernel on all pairs."),
            ParamSpec("n_neighbors", "Neighbours", "int", 10, 2, 200,
                      help="Neighbours per point in the graph."),
            ParamSpec("gamma", "Kernel width (gamma, rbf only)", "float", None, 1e-9, 1e9,
                      auto=auto.rbf_gamma, applies_when=("affinity", "rbf"),
                      help="Auto: 1 / (features x variance of the data)."),
            ParamSpec("assign_labels", "Final assignment", "choice", "kmeans",
                      choices=("kmeans", "discretize", "cluster_qr")),
        ),
        takes_k=True, marks_noise=False, time_cost="quadratic", memory_cost="quadratic",
        max_rows=5_000, oversize="sample", fit=_fit_spectral, pairwise=True,
        row_budget=guards.spectral_budget,
        why_limit="Its similarity matrix and eigenvectors grow with n squared.",
    ),
    AlgorithmSpec(
        name="gaussian_mixture", short="Gaussian mixture",
        title="Gaussian mixture",
        description="Fits K Gaussians by expectation-maximisation: elliptical clusters of "
                    "different sizes and orientations.",
        params=(
            N_CLUSTERS,
            ParamSpec("covariance_type", "Cluster shape", "choice", "full",
                      choices=("full", "tied", "diag", "spherical"),
                      help="full: any ellipse; tied: one shared ellipse; diag: axis-aligned; "
                           "spherical: round."),
            ParamSpec("n_init", "Restarts", "int", 1, 1, 20),
        ),
        takes_k=True, marks_noise=False, time_cost="linear", memory_cost="linear",
        max_rows=200_000, oversize="sample", fit=_fit_gmm, row_budget=guards.gmm_budget,
        why_limit="Each restart updates every component on every row at every step.",
    ),
    AlgorithmSpec(
        name="birch",
        title="BIRCH",
        description="Summarises the data in a tree of small subclusters, then clusters "
                    "those: built for big data.",
        params=(
            N_CLUSTERS,
            ParamSpec("threshold", "Subcluster radius", "float", None, 1e-9, 1e9,
                      auto=auto.birch_threshold,
                      help="Auto: 0.35 x the root of the total variance (0.5 on "
                           "standardised 2-D data)."),
            ParamSpec("branching_factor", "Branching factor", "int", 50, 2, 1000),
        ),
        takes_k=True, marks_noise=False, time_cost="linear", memory_cost="linear",
        max_rows=200_000, oversize="sample", fit=_fit_birch, row_budget=guards.birch_budget,
        why_limit="Its last step clusters the subclusters agglomeratively, and a small "
                  "threshold makes one subcluster per row.",
    ),
    AlgorithmSpec(
        name="affinity_propagation", short="Affinity propag.",
        title="Affinity propagation",
        description="Points exchange messages until a few become exemplars; finds the number "
                    "of clusters itself.",
        params=(
            ParamSpec("damping", "Damping", "float", 0.9, 0.5, 0.999,
                      help="Higher is slower but oscillates less."),
            ParamSpec("preference", "Preference", "float", None, -1e12, 1e12,
                      auto=auto.ap_preference,
                      help="Higher (less negative) gives more clusters. Auto: the lowest "
                           "similarity on a 500-row sample, for few clusters."),
            ParamSpec("max_iter", "Max iterations", "int", 200, 10, 2000),
        ),
        takes_k=False, marks_noise=False, time_cost="quadratic", memory_cost="quadratic",
        max_rows=1_000, oversize="skip", fit=_fit_affinity, pairwise=True,
        why_limit="It keeps three n-by-n matrices and passes messages over all of them "
                  "hundreds of times (1,500 rows already take about 3 s here), and the "
                  "number of exemplars it finds depends on how many points there are, so a "
                  "sample would show a different clustering rather than a smaller copy.",
    ),
)
