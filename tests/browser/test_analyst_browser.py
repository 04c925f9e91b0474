"""The analyst's path through Explore in Chromium: an uploaded table with a categorical column
ticked as a feature, outliers flagged and ringed on the chart, and the run downloaded as a
Python script that, run beside the file, prints the page's numbers.

Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
from playwright.sync_api import expect

from tests.browser.conftest import plotly_chart, screenshot, wait_for_app, wait_for_chart

RUN = "explore_run_chart"
SUMMARY = "[data-testid=stAlertContentSuccess]"


def customers(path) -> None:
    rng = np.random.default_rng(1)
    n = 120
    pd.DataFrame({
        "spend": np.r_[rng.normal(20, 3, n // 2), rng.normal(80, 6, n // 2)].round(2),
        "visits": rng.poisson(4, n),
        "plan": np.r_[np.repeat("basic", n // 2), np.repeat("premium", n // 2)],
    }).to_csv(path, index=False)  # fmt: skip


def run_summary(page, text: str) -> None:
    """Wait until the run summary says ``text`` and that run has finished."""
    expect(page.locator(SUMMARY).first).to_contain_text(text)
    wait_for_app(page)


def test_categorical_feature_outliers_and_the_script(page, app_url, tmp_path):
    data = tmp_path / "customers.csv"
    customers(data)
    page.goto(f"{app_url}/Explore")
    wait_for_chart(page, RUN)
    wait_for_app(page)

    page.locator(".st-key-sb_upload input[type=file]").set_input_files(str(data))
    run_summary(page, "K=3 on 120 rows × 2 features")

    # Tick the categorical column: it is offered, marked, and becomes two one-hot columns.
    page.locator(".st-key-sb_features input").click()
    page.get_by_role("option", name="plan (categories)").click()
    page.keyboard.press("Escape")
    run_summary(page, "K=3 on 120 rows × 4 features")
    # Text quoting the user's words carries invisible word joiners after colons (md_escape).
    page.locator("[data-testid=stExpander] summary", has_text="120 rows").click()
    expect(page.get_by_text(re.compile(r"Encoded .plan. as categories"))).to_be_visible()
    screenshot(page, "analyst_categorical_feature")

    # Flag outliers by a score threshold and ring them on the chart.
    page.get_by_role("tab", name="Outliers").click()
    page.locator(".st-key-explore_outlier_rule").get_by_text("Score threshold").click()
    expect(page.get_by_text(re.compile(r"rows flagged \(score at least 3"))).to_be_visible()
    wait_for_app(page)
    page.locator(".st-key-explore_rings label").click()
    legend = plotly_chart(page, RUN).locator(".legendtext", has_text="flagged outliers")
    expect(legend).to_have_count(1)
    wait_for_app(page)
    flagged = plotly_chart(page, RUN).evaluate(
        "gd => gd._fullData.filter(t => String(t.name).startsWith('flagged outliers'))[0]"
        ".x.length")
    assert legend.text_content() == f"flagged outliers ({flagged})"
    assert "rings=1" in page.url and "outliers=threshold" in page.url
    screenshot(page, "analyst_outliers_ringed")

    # What sets each cluster apart: one sentence per cluster and the sorted chart.
    page.get_by_role("tab", name="What sets clusters apart").click()
    bars = page.locator(".st-key-explore_separation_chart .js-plotly-plot")
    expect(bars.locator(".gtitle")).to_contain_text("What sets Cluster 0 apart")
    expect(page.get_by_text(re.compile(r"Cluster 0.+(high|low|plan is)"))).to_be_visible()
    wait_for_app(page)
    screenshot(page, "analyst_separation")

    # The run as a script: run it beside the data file, it prints the page's numbers.
    page.get_by_role("tab", name="Download").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Python script (.py)").click()
    download = info.value
    assert download.suggested_filename == "cluster_explorer_run.py"
    folder = tmp_path / "rerun"
    folder.mkdir()
    shutil.copy(download.path(), folder / "run.py")
    shutil.copy(data, folder / "customers.csv")
    done = subprocess.run([sys.executable, "run.py"], cwd=folder, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Every number matches the app." in done.stdout, done.stdout
    # The page's headline objective (4 significant digits) is the script's, rounded.
    shown = page.locator("[data-testid=stMetricValue]").first.inner_text().replace(",", "")
    (line,) = [row for row in done.stdout.splitlines() if row.startswith("objective")]
    assert f"{float(line.split()[1]):.4g}" == shown
    screenshot(page, "analyst_script_downloaded")
