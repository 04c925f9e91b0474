"""Choosing K: a sweep of K with scores and a knee (Kneedle), a recommendation, stability across
seeds, and the study of initialisations.
"""
from clustering.choose_k._init_study import INIT_STUDY_METHODS, InitStudy, init_study
from clustering.choose_k._knee import find_knee
from clustering.choose_k._sweep import (
    DEFAULT_K_MAX,
    STABILITY_RUNS,
    SWEEP_MAX_K,
    SweepResult,
    k_limit,
    recommend,
    sweep_k,
)

__all__ = [
    "DEFAULT_K_MAX",
    "INIT_STUDY_METHODS",
    "InitStudy",
    "STABILITY_RUNS",
    "SWEEP_MAX_K",
    "SweepResult",
    "find_knee",
    "init_study",
    "k_limit",
    "recommend",
    "sweep_k",
]
