"""EM and the Fellegi-Sunter model: parameter recovery, scoring identities, persistence.

``fit_em`` is checked against comparison patterns simulated from a known two-class model (a
fixed seed, so the same draws on every run); the model's JSON format is checked for exact round
trips and for clear errors on files it cannot read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from nikmatch.blocking import block_pairs
from nikmatch.comparisons import (
    DateComparison,
    DomicileComparison,
    ExactComparison,
    HouseholdComparison,
    NameComparison,
    compare,
    default_comparisons,
)
from nikmatch.em import fit_em, pattern_counts
from nikmatch.errors import ModelError
from nikmatch.linker import default_blocking_rules, find_duplicates
from nikmatch.model import (
    MODEL_FORMAT_VERSION,
    TF_ADJUSTMENT_BOUNDS,
    Model,
    estimate_lambda,
    train,
)
from nikmatch.prepare import Prepared, prepare
from nikmatch.synth import generate_population

F64 = npt.NDArray[np.float64]

TRUE_M = [np.array([0, 0.05, 0.15, 0.80]), np.array([0, 0.1, 0.9]), np.array([0, 0.2, 0.1, 0.7])]
TRUE_U = [np.array([0, 0.85, 0.10, 0.05]), np.array([0, 0.7, 0.3]), np.array([0, 0.9, 0.07, 0.03])]
TRUE_LAMBDA = 0.15


def simulate(n: int, seed: int, missing: float = 0.05) -> tuple[npt.NDArray[np.int8], float]:
    """Levels of ``n`` pairs drawn from the known model (some levels missing at random)."""
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < TRUE_LAMBDA
    levels = np.zeros((n, len(TRUE_M)), dtype=np.int8)
    for j, (m, u) in enumerate(zip(TRUE_M, TRUE_U, strict=True)):
        k = len(m) - 1
        from_m = rng.choice(k, size=n, p=m[1:]) + 1
        from_u = rng.choice(k, size=n, p=u[1:]) + 1
        col = np.where(is_match, from_m, from_u)
        col[rng.random(n) < missing] = 0
        levels[:, j] = col
    return levels, float(is_match.mean())


def flat(k: int) -> F64:
    out = np.full(k, 1.0 / (k - 1))
    out[0] = 0.0
    return out


def rising(k: int) -> F64:
    out = np.arange(k, dtype=np.float64)
    return out / out.sum()


# ---- EM --------------------------------------------------------------------------------------


def test_fit_em_recovers_m_and_lambda_with_known_u() -> None:
    levels, share = simulate(100_000, seed=42)
    patterns, counts = pattern_counts(levels)
    assert int(counts.sum()) == len(levels)
    fit = fit_em(patterns, counts, [rising(len(m)) for m in TRUE_M], TRUE_U,
                 learn=[True] * 3)
    assert fit.converged
    assert fit.n_pairs == len(levels)
    assert fit.n_patterns == len(patterns)
    assert abs(fit.lambda_ - share) < 0.01, (fit.lambda_, share)
    for est, true in zip(fit.m, TRUE_M, strict=True):
        assert est[0] == 0.0
        assert est.sum() == pytest.approx(1.0)
        np.testing.assert_allclose(est, true, atol=0.02)


def test_fit_em_recovers_u_inside_the_block_too() -> None:
    levels, share = simulate(100_000, seed=7)
    patterns, counts = pattern_counts(levels)
    fit = fit_em(patterns, counts, [rising(len(m)) for m in TRUE_M],
                 [flat(len(u)) for u in TRUE_U], learn=[True] * 3, learn_u=True, lambda_init=0.3)
    assert abs(fit.lambda_ - share) < 0.015
    for est, true in zip(fit.m, TRUE_M, strict=True):
        np.testing.assert_allclose(est, true, atol=0.03)
    for est, true in zip(fit.u_block, TRUE_U, strict=True):
        np.testing.assert_allclose(est, true, atol=0.02)


def test_fit_em_leaves_unlearned_comparisons_alone() -> None:
    levels, _ = simulate(20_000, seed=1)
    patterns, counts = pattern_counts(levels)
    start = [rising(len(m)) for m in TRUE_M]
    fit = fit_em(patterns, counts, start, TRUE_U, learn=[True, False, True])
    np.testing.assert_array_equal(fit.m[1], start[1])
    assert not np.allclose(fit.m[0], start[0])


def test_fit_em_offset_is_evidence_on_every_pattern() -> None:
    """A large negative offset on a pattern keeps its pairs out of the match class."""
    levels, _ = simulate(20_000, seed=3)
    patterns, counts = pattern_counts(levels)
    start = [rising(len(m)) for m in TRUE_M]
    veto = np.zeros(len(patterns))
    best = (patterns == np.array([3, 2, 3])).all(axis=1)
    veto[best] = -50 * math.log(2)
    plain = fit_em(patterns, counts, start, TRUE_U, learn=[True] * 3)
    vetoed = fit_em(patterns, counts, start, TRUE_U, learn=[True] * 3, offset=veto)
    assert vetoed.lambda_ < plain.lambda_
    assert vetoed.m[0][3] < plain.m[0][3]


def test_fit_em_on_nothing_returns_the_start() -> None:
    empty = np.zeros((0, 3), dtype=np.int8)
    fit = fit_em(empty, np.zeros(0, np.int64), TRUE_M, TRUE_U, learn=[True] * 3)
    assert (fit.n_pairs, fit.n_patterns, fit.converged) == (0, 0, False)
    for est, true in zip(fit.m, TRUE_M, strict=True):
        np.testing.assert_array_equal(est, true)


def test_pattern_counts_packed_and_general_paths_agree() -> None:
    rng = np.random.default_rng(0)
    narrow = rng.integers(0, 4, size=(500, 5)).astype(np.int8)
    wide = np.concatenate([narrow] * 4, axis=1)  # 20 columns: the general path
    p1, c1 = pattern_counts(narrow)
    p2, c2 = pattern_counts(wide)
    assert int(c1.sum()) == int(c2.sum()) == 500
    np.testing.assert_array_equal(np.concatenate([p1] * 4, axis=1), p2)
    np.testing.assert_array_equal(c1, c2)
    reference = pd.DataFrame(narrow).value_counts().sort_index()
    assert c1.tolist() == reference.tolist()


def test_estimate_lambda_recovers_the_share_of_matches() -> None:
    weights = np.array([25.0] * 40 + [-8.0] * 5_000)
    lam = estimate_lambda(weights, total_pairs=1e6)
    assert lam == pytest.approx(40 / 1e6, rel=0.05)
    assert estimate_lambda(np.zeros(0), 100.0) == pytest.approx(0.01)


# ---- model on a generated register ----------------------------------------------------------


@pytest.fixture(scope="module")
def prepared() -> Prepared:
    register, _ = generate_population(1_500, seed=11)
    return prepare(register)


@pytest.fixture(scope="module")
def model(prepared: Prepared) -> Model:
    trained = train(default_comparisons(prepared), prepared, u_pairs=100_000, seed=3)
    return Model(trained.comparisons, trained.m, trained.u, lambda_=2e-5,
                 fixed=trained.fixed, info=trained.info)


@pytest.fixture(scope="module")
def candidates(prepared: Prepared) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    return block_pairs(default_blocking_rules(prepared), prepared.keys(), prepared.n)


def scores(model: Model, prepared: Prepared,
           pairs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]) -> F64:
    left, right = pairs
    levels = compare(model.comparisons, prepared, left, right)
    return model.score_levels(prepared, levels, left)


def test_json_round_trip_gives_identical_scores(
    model: Model, prepared: Prepared, candidates: tuple[npt.NDArray[np.int64], ...]
) -> None:
    text = model.to_json()
    again = Model.from_json(text)
    assert again.to_json() == text
    assert again.names == model.names
    assert again.fixed == model.fixed
    assert again.lambda_ == model.lambda_
    for a, b in zip(again.m + again.u, model.m + model.u, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        scores(again, prepared, candidates), scores(model, prepared, candidates)
    )


def test_save_and_load_give_identical_scores(
    model: Model, prepared: Prepared, candidates: tuple[npt.NDArray[np.int64], ...],
    tmp_path: Path,
) -> None:
    path = tmp_path / "model.json"
    model.save(path)
    loaded = Model.load(path)
    np.testing.assert_array_equal(
        scores(loaded, prepared, candidates), scores(model, prepared, candidates)
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "nikmatch-model"
    assert data["format_version"] == MODEL_FORMAT_VERSION
    assert [c["kind"] for c in data["comparisons"]] == [c.kind for c in model.comparisons]


def test_unknown_format_version_is_a_clear_model_error(model: Model) -> None:
    data = model.to_dict()
    data["format_version"] = MODEL_FORMAT_VERSION + 1
    with pytest.raises(ModelError, match=rf"version {MODEL_FORMAT_VERSION + 1} is not supported"):
        Model.from_json(json.dumps(data))
    del data["format_version"]
    with pytest.raises(ModelError, match="not supported"):
        Model.from_dict(data)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d.pop("format"), "not a nikmatch model"),
        (lambda d: d["comparisons"][0].update(kind="telepathy"), "invalid model description"),
        (lambda d: d["comparisons"][0].update(levels=["a", "b"]), "levels differ"),
        (lambda d: d["comparisons"][0].update(m=[0.5]), "expected .* levels"),
        (lambda d: d.pop("lambda"), "invalid model description"),
        (lambda d: d.update({"lambda": 2.0}), "lambda_ must be in"),
    ],
)
def test_damaged_model_files_raise_model_error(
    model: Model, damage: Callable[[dict[str, Any]], object], message: str
) -> None:
    data = json.loads(model.to_json())
    damage(data)
    with pytest.raises(ModelError, match=message):
        Model.from_json(json.dumps(data))


def test_not_json_is_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="not valid JSON"):
        Model.load(path)


def test_model_checks_its_shape() -> None:
    comp = ExactComparison("no_kk")
    with pytest.raises(ModelError, match="same length"):
        Model([comp], m=[], u=[np.array([0, 0.5, 0.5])])
    with pytest.raises(ModelError, match="expected 3 levels"):
        Model([comp], m=[np.array([0, 1.0])], u=[np.array([0, 0.5, 0.5])])
    with pytest.raises(ModelError, match="lambda_"):
        Model([comp], m=[np.array([0, 0.1, 0.9])], u=[np.array([0, 0.9, 0.1])], lambda_=0.0)


def test_fixed_parameters_survive_training(prepared: Prepared) -> None:
    comps = [NameComparison("nama"), DateComparison("tanggal_lahir"),
             ExactComparison("jenis_kelamin"), HouseholdComparison()]
    sex_m, sex_u = [0.0, 0.02, 0.98], [0.0, 0.5, 0.5]
    trained = train(comps, prepared, u_pairs=50_000, seed=5,
                    fixed={"jenis_kelamin": (sex_m, sex_u)})
    j = trained.names.index("jenis_kelamin")
    np.testing.assert_array_equal(trained.m[j], sex_m)
    np.testing.assert_array_equal(trained.u[j], sex_u)
    assert trained.fixed == [False, False, True, True]
    assert "jenis_kelamin" not in trained.info["untrained"]
    # the others were learned: not the starting guesses
    assert trained.m[0][-1] != pytest.approx(NameComparison.m_prior[-1] / sum(
        NameComparison.m_prior[1:]))
    # and the fixed values survive persistence and a whole run with the model
    again = Model.from_json(trained.to_json())
    np.testing.assert_array_equal(again.m[j], sex_m)
    assert again.fixed == trained.fixed
    register, _ = generate_population(600, seed=12)
    result = find_duplicates(register, model=again)
    np.testing.assert_array_equal(result.model.m[j], sex_m)
    np.testing.assert_array_equal(result.model.u[j], sex_u)
    assert result.model.fixed == trained.fixed


def test_level_weights_and_score_levels_agree(
    model: Model, prepared: Prepared, candidates: tuple[npt.NDArray[np.int64], ...]
) -> None:
    left, right = candidates
    levels = compare(model.comparisons, prepared, left, right)
    weights = model.level_weights()
    for comp, w, m, u in zip(model.comparisons, weights, model.m, model.u, strict=True):
        assert len(w) == comp.n_levels
        assert w[0] == 0.0  # missing: no evidence
        if comp.fixed_weights is not None:
            assert w.tolist() == [comp.fixed_weights.get(k, 0.0) for k in range(comp.n_levels)]
        else:
            np.testing.assert_allclose(w[1:], np.log2(m[1:] / u[1:]))
    total = model.score_levels(prepared, levels, left)
    tf = model.tf_adjustments(prepared, levels, left)
    by_hand = model.prior_weight + sum(w[levels[:, j]] for j, w in enumerate(weights))
    np.testing.assert_allclose(total, by_hand + tf.sum(axis=1), atol=1e-9)
    assert model.prior_weight == pytest.approx(math.log2(2e-5 / (1 - 2e-5)))
    # term-frequency adjustments only at the comparisons' tf levels, within the bounds
    for j, comp in enumerate(model.comparisons):
        off_tf = ~np.isin(levels[:, j], list(comp.tf_levels))
        assert bool((tf[off_tf, j] == 0).all()), comp.name
    assert tf.min() >= -12.0
    assert tf.max() <= 4.0
    # missing everywhere: the prior alone
    nothing = np.zeros((1, len(model.comparisons)), dtype=np.int8)
    assert model.score_levels(prepared, nothing, left[:1])[0] == pytest.approx(model.prior_weight)


def test_summary_lists_every_level(model: Model) -> None:
    text = model.summary()
    assert sum(c.n_levels - 1 for c in model.comparisons) == len(text.splitlines()) - 2


def test_u_loses_the_matches_counted_among_random_pairs() -> None:
    """Random pairs hold a share λ of matches; in a duplicate-dense table that share is taken
    out of u and the pairs are scored again; a model given by the user is used as it is."""
    import nikmatch as nm
    from nikmatch.model import remove_matches_from_u
    from nikmatch.synth import generate_population

    register, _ = generate_population(3_000, seed=2, duplicate_rate=0.3)
    dense = nm.find_duplicates(register)
    assert "u_matches_removed" in dense.model.info
    assert "rescore" in dense.info["seconds"]
    _, change = remove_matches_from_u(dense.model, 1e-9)
    assert change < 0.05  # a second pass with a tiny λ changes nothing that matters
    reused = nm.find_duplicates(register, model=dense.model)  # a given model is not corrected
    assert "rescore" not in reused.info["seconds"]
    for a, b in zip(reused.model.u, dense.model.u, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("parent", ["nama_ibu", "nama_ayah"])
def test_joint_name_correction_lowers_a_parents_adjustment_for_names_that_go_together(
    parent: str,
) -> None:
    """A name and a parent's name seen together on several birth dates (one tradition, or a
    marga in both) are commoner together than their frequencies multiplied: the parent's
    term-frequency adjustment is lowered for them, and left alone without the name."""
    given = ["Ani", "Budi", "Citra", "Dodi", "Eka", "Fajar", "Gita", "Hadi", "Indah", "Joko"]
    names = ["Ani Lestari"] * 4 + [f"{g} {s}" for g in given for s in ("Putra", "Sari", "Wati")]
    parents = ["Slamet Riyadi"] * 4 + [f"{s} {g}" for g in given for s in ("Bapak", "Pak", "Om")]
    dates = [f"19{60 + i % 40:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(len(names))]
    prepared = prepare(pd.DataFrame({"nama": names, parent: parents, "tanggal_lahir": dates}))
    both = [NameComparison("nama"), NameComparison(parent)]
    alone = [NameComparison(parent)]

    def adjustment(comparisons: list[NameComparison]) -> float:
        m = [np.full(c.n_levels, 1.0 / c.n_levels) for c in comparisons]
        u = [np.full(c.n_levels, 1.0 / c.n_levels) for c in comparisons]
        model = Model(comparisons, m, u, lambda_=0.01)
        left, right = np.array([0]), np.array([1])
        levels = compare(comparisons, prepared, left, right)
        assert (levels == NameComparison.EXACT).all()
        return float(model.tf_adjustments(prepared, levels, left)[0, -1])

    assert adjustment(both) < adjustment(alone) - 1.0


def test_model_saved_before_a_level_was_added_loads_with_a_warning(model: Model) -> None:
    """A model saved when the domicile comparison had no "same address elsewhere" level still
    loads: the saved levels keep their m and u, the added one weighs nothing until the model
    is trained again."""
    data = model.to_dict()
    j = model.names.index("domisili")
    entry = data["comparisons"][j]
    added = DomicileComparison.ADDRESS_ELSEWHERE
    for key in ("levels", "m", "u"):
        entry[key] = [x for k, x in enumerate(entry[key]) if k != added]
    with pytest.warns(UserWarning, match="added since this model was saved"):
        old = Model.from_dict(data)
    weights, current = old.level_weights()[j], model.level_weights()[j]
    assert weights[added] == 0.0
    keep = [k for k in range(len(current)) if k != added]
    np.testing.assert_allclose(weights[keep], current[keep], atol=1e-4)
    entry["levels"] = list(reversed(entry["levels"]))
    with pytest.raises(ModelError, match="levels differ"):
        Model.from_dict(data)


def test_tf_counts_the_other_people_holding_a_value_but_not_for_a_placeholder_date() -> None:
    """Chance agreement on a value needs a *second* person with it: a full name no one else
    holds is not marked down however rare exact agreement is on average (the FEBRL case), a
    name held by others is, and a default birth date (1 July) counts the record itself and
    is set against the other default dates (here it is the only one: no adjustment)."""
    names = ["Ani Lestari", "Ani Lestari"] + ["Budi Santoso"] * 4 + [f"Nama {c}" for c in "CDEFGH"]
    dates = ["1990-07-01", "1990-07-01"] + [f"19{70 + i}-03-0{1 + i}" for i in range(4)]
    dates += [f"1980-0{1 + i}-1{i}" for i in range(6)]
    prepared = prepare(pd.DataFrame({"nama": names, "tanggal_lahir": dates}))
    comparisons = [NameComparison("nama"), DateComparison("tanggal_lahir")]
    tiny = 1e-3  # exact agreement on a name or a date between two people: rare on average
    u = [np.full(c.n_levels, tiny) for c in comparisons]
    m = [np.full(c.n_levels, 1.0 / c.n_levels) for c in comparisons]
    model = Model(comparisons, m, u, lambda_=0.01)
    left, right = np.array([0, 2]), np.array([1, 3])  # Ani's two records; two Budis
    levels = compare(comparisons, prepared, left, right)
    assert levels[:, 0].tolist() == [NameComparison.EXACT] * 2
    assert levels[0, 1] == DateComparison.EXACT_DEFAULT
    adj = model.tf_adjustments(prepared, levels, left)
    high = TF_ADJUSTMENT_BOUNDS[1]
    assert adj[0, 0] == high  # no other Ani Lestari: the upper bound, never a mark-down
    assert adj[1, 0] < 0  # three other Budi Santosos
    assert adj[0, 1] == pytest.approx(0.0)  # the only default date: its own reference


@pytest.mark.parametrize(("excess", "floored"), [(0, True), (20, True), (60, False), (400, False)])
def test_agreement_the_matches_explain_gets_the_resolution_of_the_sample(
    excess: int, floored: bool
) -> None:
    """An identical identifier among a million random pairs: the matches among them account
    for 450; up to two Poisson standard deviations (~42) more is noise, and the level gets
    the resolution of the sample (half a pair); a clear excess is chance agreement and stays."""
    from nikmatch.comparisons import IdentifierComparison
    from nikmatch.model import remove_matches_from_u

    n_random, lam = 1_000_000, 0.0005
    m = np.array([0.0, 0.1, 0.0, 0.9])
    hits = lam * m[3] * n_random + excess
    u = np.array([0.0, 1.0 - (hits + 1) / n_random, 1 / n_random, hits / n_random])
    comparison = IdentifierComparison("no_identitas")
    model = Model([comparison], m=[m], u=[u], lambda_=lam, info={"u_pairs": n_random})
    fixed, _ = remove_matches_from_u(model, lam)
    identical = fixed.u[0][3]
    if floored:
        assert identical == pytest.approx(0.5 / n_random, rel=0.01)
    else:
        assert identical == pytest.approx(excess / n_random / (1 - lam), rel=0.05)
