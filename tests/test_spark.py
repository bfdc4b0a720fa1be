"""The Spark engine gives the in-memory engine's answers (issue 18).

On a generated register of 20,000 records (and a list of 2,000 against it), Spark in local
mode must give the same candidate pairs, the same matched pairs, the same probabilities (to
1e-9) and the same clusters, surviving NIKs and recommendations as :func:`nikmatch.find_duplicates`
and :func:`nikmatch.link`; with the clusters found on the driver (scipy) and in Spark (the
iterative components, forced by a low threshold and ``driver_edges=0``).

These tests never skip in CI: without PySpark or Java they fail.  On a developer's machine
without them, ``NIKMATCH_SKIP_SPARK=1`` leaves them out (CI never sets it).
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import nikmatch as nm
from nikmatch.model import Model
from nikmatch.synth import generate_population, generate_unrecorded_list

if os.environ.get("NIKMATCH_SKIP_SPARK") == "1" and not os.environ.get("CI"):
    pytest.skip("NIKMATCH_SKIP_SPARK=1 (a developer's machine)", allow_module_level=True)

N_REGISTER = 20_000
N_LIST = 2_000
SEED = 11


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("no Java runtime: install openjdk-17-jre-headless (.ci/run does)")
    import pyspark.sql as pyspark_sql  # an ImportError here fails the tests: never a skip
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("nikmatch-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "3g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def register() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame, truth = generate_population(N_REGISTER, seed=SEED)
    return frame.reset_index(drop=True), truth


def _sdf(spark: Any, frame: pd.DataFrame) -> Any:
    table = frame.reset_index().rename(columns={"index": "id"})
    return spark.createDataFrame(table.astype({c: object for c in frame.columns}))


def _pairs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["row_l", "row_r"], kind="stable").reset_index(drop=True)


def _assert_same_pairs(memory: pd.DataFrame, spark_pairs: pd.DataFrame) -> None:
    m, s = _pairs(memory), _pairs(spark_pairs)
    assert len(m) == len(s)
    assert np.array_equal(m["row_l"].to_numpy(), s["row_l"].to_numpy())
    assert np.array_equal(m["row_r"].to_numpy(), s["row_r"].to_numpy())
    assert m["id_l"].astype(str).tolist() == s["id_l"].astype(str).tolist()
    assert np.allclose(m["match_probability"], s["match_probability"], rtol=0, atol=1e-9)
    assert np.allclose(m["match_weight"], s["match_weight"], rtol=0, atol=1e-7)
    for column in [c for c in m.columns if c.startswith("gamma_")]:
        assert np.array_equal(m[column].to_numpy(), s[column].to_numpy()), column
    for column in ("blocking_rule", "stratum", "ambiguous", "sound_alike"):
        assert m[column].tolist() == s[column].tolist(), column


@pytest.fixture(scope="module")
def dedupe(spark: Any, register: tuple[pd.DataFrame, pd.DataFrame]) -> tuple[Any, Any]:
    from nikmatch import spark as ns

    frame, _ = register
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        memory = nm.find_duplicates(frame)
        on_spark = ns.find_duplicates(_sdf(spark, frame))
    return memory, on_spark


def test_dedupe_same_model_pairs_and_probabilities(dedupe: tuple[Any, Any]) -> None:
    memory, on_spark = dedupe
    for a, b in zip(memory.model.m + memory.model.u, on_spark.model.m + on_spark.model.u,
                    strict=True):
        assert np.allclose(a, b, rtol=0, atol=1e-12)
    assert abs(memory.model.lambda_ - on_spark.model.lambda_) <= 1e-12
    assert memory.info["candidate_pairs"] == on_spark.info["candidate_pairs"]
    _assert_same_pairs(memory.pairs, on_spark.pairs.toPandas())
    assert len(memory.matches) == on_spark.matches.count() > 100
    blocking = on_spark.blocking.set_index("rule")
    assert memory.blocking.set_index("rule")["new_pairs"].equals(blocking["new_pairs"])


def test_dedupe_same_clusters_and_survivors(dedupe: tuple[Any, Any]) -> None:
    memory, on_spark = dedupe
    assert on_spark.info["components"] == "driver"
    clusters = on_spark.clusters.toPandas().sort_values("id").reset_index(drop=True)
    expected = memory.clusters.reset_index(drop=True)
    for column in ("cluster_id", "cluster_size", "survivor", "recommendation", "flags"):
        assert clusters[column].tolist() == expected[column].tolist(), column
    assert int((expected["cluster_size"] > 1).sum()) > 200
    assert on_spark.summary() == memory.summary()


def test_explain_adds_up_as_in_memory(dedupe: tuple[Any, Any]) -> None:
    memory, on_spark = dedupe
    top = memory.matches.iloc[0]
    a = memory.explain(top["id_l"], top["id_r"])
    b = on_spark.explain(int(top["id_l"]), int(top["id_r"]))
    assert abs(a.match_weight - b.match_weight) < 1e-9
    assert a.table["level"].tolist() == b.table["level"].tolist()
    assert "*" in str(b) or "nik" not in str(b).lower()  # NIKs are masked


def test_saved_model_reused_and_components_in_spark(
    spark: Any, register: tuple[pd.DataFrame, pd.DataFrame], dedupe: tuple[Any, Any],
    tmp_path: Path,
) -> None:
    """A model saved as JSON and reused on Spark; a low threshold with ``driver_edges=0``
    makes the clusters come from the iterative components in Spark: still the memory's."""
    from nikmatch import spark as ns

    frame, _ = register
    memory, _ = dedupe
    path = tmp_path / "model.json"
    memory.model.save(path)
    model = Model.load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = nm.find_duplicates(frame, model=model, threshold=0.5)
        on_spark = ns.find_duplicates(_sdf(spark, frame), model=model, threshold=0.5,
                                      driver_edges=0)
    assert on_spark.info["components"] == "spark"
    _assert_same_pairs(expected.pairs, on_spark.pairs.toPandas())
    clusters = on_spark.clusters.toPandas().sort_values("id").reset_index(drop=True)
    want = expected.clusters.reset_index(drop=True)
    for column in ("cluster_id", "cluster_size", "survivor", "recommendation"):
        assert clusters[column].tolist() == want[column].tolist(), column


def test_link_same_pairs_and_clusters(
    spark: Any, register: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    from nikmatch import spark as ns

    frame, truth = register
    listed, _ = generate_unrecorded_list(frame, truth, n=N_LIST, seed=SEED)
    listed = listed.reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        memory = nm.link(listed, frame)
        on_spark = ns.link(_sdf(spark, listed), _sdf(spark, frame))
    assert abs(memory.model.lambda_ - on_spark.model.lambda_) <= 1e-12
    _assert_same_pairs(memory.pairs, on_spark.pairs.toPandas())
    clusters = on_spark.clusters.toPandas().sort_values("id").reset_index(drop=True)
    expected = memory.clusters.reset_index(drop=True)
    for column in ("best_id", "n_matches", "n_ambiguous", "cluster_id", "cluster_size"):
        got = clusters[column].astype(object).where(clusters[column].notna(), None).tolist()
        want = expected[column].astype(object).where(expected[column].notna(), None).tolist()
        assert [None if x is None else int(x) for x in got] == [
            None if x is None else int(x) for x in want
        ], column
    assert np.allclose(
        clusters["best_probability"].to_numpy(float), expected["best_probability"].to_numpy(float),
        rtol=0, atol=1e-9, equal_nan=True,
    )
    assert int((expected["n_matches"] > 0).sum()) > N_LIST // 2


def test_skewed_key_is_skipped_as_in_memory(spark: Any) -> None:
    """A default birth date shared by many records: its block is skipped by the guard on
    Spark as in memory (the records never move to one task), and the answers agree."""
    from nikmatch import spark as ns

    frame, _ = generate_population(3_000, seed=3)
    frame = frame.reset_index(drop=True)
    # 900 namesakes on a default date: 'nama_key & tanggal_lahir' makes one block of 900
    frame.loc[frame.index[:900], "tanggal_lahir"] = "1970-07-01"
    frame.loc[frame.index[:900], "nama"] = "MUHAMMAD RIZKI"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        memory = nm.find_duplicates(frame)
        on_spark = ns.find_duplicates(_sdf(spark, frame), model=memory.model,
                                      lambda_=memory.model.lambda_)
    expected = nm.find_duplicates(frame, model=memory.model, lambda_=memory.model.lambda_)
    skipped = on_spark.blocking.set_index("rule")["skipped_records"]
    assert int(skipped.max()) >= 500
    assert skipped.equals(expected.blocking.set_index("rule")["skipped_records"])
    _assert_same_pairs(expected.pairs, on_spark.pairs.toPandas())


def test_link_one_to_one_as_in_memory(spark: Any) -> None:
    from nikmatch import spark as ns

    frame, truth = generate_population(3_000, seed=4)
    frame = frame.reset_index(drop=True)
    listed, _ = generate_unrecorded_list(frame, truth, n=300, seed=4)
    listed = listed.reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        memory = nm.link(listed, frame, one_to_one=True)
        on_spark = ns.link(_sdf(spark, listed), _sdf(spark, frame), model=memory.model,
                           lambda_=memory.model.lambda_, one_to_one=True)
    expected = nm.link(listed, frame, model=memory.model, lambda_=memory.model.lambda_,
                       one_to_one=True)
    _assert_same_pairs(expected.pairs, on_spark.pairs.toPandas())
    got = on_spark.clusters.toPandas().sort_values("id")["n_matches"].tolist()
    assert got == expected.clusters["n_matches"].tolist()
    assert max(got) <= 1


def test_train_on_a_sample_of_whole_kecamatan(spark: Any, tmp_path: Path) -> None:
    """Beyond ``train_records`` the model is trained on whole kecamatan (duplicates stay
    together), with the whole register's word counts; it saves and loads as JSON."""
    from nikmatch import spark as ns

    frame, _ = generate_population(4_000, seed=6)
    frame = frame.reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ns.train(_sdf(spark, frame), train_records=2_000)
    trained_on = model.info["trained_on"]
    assert trained_on["sample_by"] == "kecamatan"
    assert 500 < trained_on["records"] < 4_000 == trained_on["of"]
    model.save(tmp_path / "m.json")
    again = Model.load(tmp_path / "m.json")
    assert again.names == model.names
    assert [r["rule"] for r in model.info["training_runs"]][:1] == ["nama_key & tanggal_lahir"]
