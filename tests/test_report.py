"""The HTML report: self-contained, offline, drawn by a real headless Chromium (nikmatch.report).

The browser test drives Debian's ``chromium`` through ``chromedriver`` (selenium); CI installs
both (``.ci/run``).  Nothing is downloaded: the driver and the browser are given by path.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

import nikmatch as nm
from nikmatch.report import Coverage, build_report, chart_specs, wajib_ktp_count, write_report
from nikmatch.synth import generate_population, generate_unrecorded_list

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
REMOTE = re.compile(r"""(?:src|href|action|data)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    register, truth = generate_population(2500, seed=6)
    result = nm.find_duplicates(register)
    listed, _ = generate_unrecorded_list(register, truth, n=60, seed=6)
    linked = nm.link(listed, register, model=result.model)
    coverage = Coverage(wajib_ktp=777_871, belum_rekam=16_000)
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(path, result, register, coverage=coverage, link_result=linked)
    charts = int(re.search(r'data-charts="(\d+)"', path.read_text(encoding="utf-8")).group(1))  # type: ignore[union-attr]
    return path, charts


def test_the_report_is_one_offline_file(report: tuple[Path, int]) -> None:
    path, charts = report
    text = path.read_text(encoding="utf-8")
    assert charts >= 7  # weights, 3 waterfalls, kecamatan, NIK problems, coverage, link, model
    assert not REMOTE.search(text), REMOTE.search(text)
    assert "<link" not in text
    assert "@import" not in text
    assert "vegaEmbed" in text
    assert path.stat().st_size < 1_500_000
    assert "97.9%" in text  # 777,871 wajib KTP, 16,000 belum rekam
    assert not re.search(r"\d{16}", text.split("<script>")[0] + text.split("</script>")[-1])


def test_chart_specs_are_computed_from_the_inputs() -> None:
    register, _ = generate_population(600, seed=2)
    result = nm.find_duplicates(register)
    content = chart_specs(result, register, coverage=Coverage(100, 5))
    assert content["summary"]["matching pairs"] == len(result.matches)
    rows = content["kecamatan"][1]
    assert sum(r["records"] for r in rows) == len(register)
    assert sum(r["second records"] for r in rows) == content["summary"]["second records"]
    bars = content["weights"]["layer"][0]["data"]["values"]
    assert sum(b["pairs"] for b in bars) == len(result.pairs)
    assert content["coverage"]["title"].startswith("KTP-el recording: 95.0%")


def test_data_cannot_break_out_of_the_script() -> None:
    register, _ = generate_population(300, seed=1)
    register.loc[register.index[:40], "kecamatan"] = "</script><script>alert(1)</script>"
    result = nm.find_duplicates(register)
    text = build_report(result, register)
    assert "<script>alert(1)" not in text
    assert "&lt;/script&gt;" in text  # escaped in the HTML table


def test_wajib_ktp_counts_adults_from_birth_dates() -> None:
    frame = pd.DataFrame(
        {"nama": ["A", "B", "C", "D"], "tanggal_lahir": ["01-01-1990", "02-01-2009", "", "x"]}
    )
    assert wajib_ktp_count(frame, reference_date=pd.Timestamp("2026-01-01").date()) == 1


def test_the_report_renders_in_headless_chromium(report: tuple[Path, int]) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    path, charts = report
    for program in (CHROMIUM, CHROMEDRIVER):
        assert shutil.which(program), (
            f"{program} is missing: apt-get install chromium chromium-driver (.ci/run does)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="nikmatch-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(path.as_uri())
        deadline = time.monotonic() + 60
        done = None
        while done is None and time.monotonic() < deadline:
            done = driver.execute_script("return document.body.getAttribute('data-charts-done')")
            time.sleep(0.1)
        failed = driver.execute_script("return document.body.getAttribute('data-charts-failed')")
        svgs = driver.execute_script("return document.querySelectorAll('svg.marks').length")
        marks = driver.execute_script(
            "return document.querySelectorAll('svg.marks path, svg.marks rect, svg.marks line')"
            ".length"
        )
        console = driver.get_log("browser")
        events = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    assert done == str(charts), (done, charts)
    assert failed == "0"
    assert svgs == charts
    assert marks > 100 * charts // 10
    errors = [entry for entry in console if entry.get("level") in ("SEVERE", "WARNING")]
    assert errors == [], errors
    requested = {
        e["params"]["request"]["url"].split(":", 1)[0]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
    }
    assert requested <= {"file", "data", "chrome", "about", "blob"}, requested
