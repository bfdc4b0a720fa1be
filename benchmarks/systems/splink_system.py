"""Splink 5 (DuckDB backend) as a baseline, configured as its documentation recommends.

Runs in ``benchmarks/.venv-baselines`` (see ``benchmarks/README.md``).  The FEBRL settings follow
Splink's own FEBRL3 (dedup) and FEBRL4 (link) example notebooks: the same blocking rules and
comparisons, the prior from deterministic rules, ``u`` by random sampling, ``m`` by EM on two
blocking rules, and predictions at ``match_probability >= 0.5``.  For the generated SIAK-style
data the same recipe is applied to the canonical columns (a generic clean first: lower case,
punctuation to spaces, ISO dates), since Splink expects standardised input.

    python benchmarks/systems/splink_system.py --spec SPEC.json --out DIR
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _protocol import Output, Spec, as_pair_array, main
from _standardise import standardise

THRESHOLD = 0.5
U_MAX_PAIRS = 1e7  # Splink: "1e7 (ten million) is often adequate"; 1e8+ for final models


def _febrl_settings(link: bool) -> tuple[dict[str, Any], list[Any], float, list[Any], bool]:
    import splink.comparison_library as cl
    from splink import block_on

    if link:  # Splink's FEBRL4 example ("detailed model")
        blocking = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ]
        em_rules = [block_on("date_of_birth"), block_on("postcode")]
        return {"blocking": blocking, "comparisons": comparisons}, deterministic, 0.8, em_rules, True
    # Splink's FEBRL3 example
    blocking = [
        block_on("soc_sec_id"),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
    ]
    deterministic = [
        block_on("soc_sec_id"),
        block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name "
        "and l.date_of_birth = r.date_of_birth",
    ]
    em_rules = [block_on("date_of_birth"), block_on("postcode")]
    return {"blocking": blocking, "comparisons": comparisons}, deterministic, 0.9, em_rules, False


def _siak_settings(columns: list[str]) -> tuple[dict[str, Any], list[Any], float, list[Any], bool]:
    import splink.comparison_library as cl
    from splink import block_on

    has = set(columns)
    blocking: list[Any] = [block_on("nama"), block_on("tanggal_lahir")]
    comparisons: list[Any] = [
        cl.NameComparison("nama").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison(
            "tanggal_lahir",
            input_is_string=True,
            datetime_format="%Y-%m-%d",
            invalid_dates_as_null=True,
        ),
    ]
    deterministic: list[Any] = [block_on("nama", "tanggal_lahir")]
    if "nik" in has:
        blocking.insert(0, block_on("nik"))
        comparisons.append(cl.DamerauLevenshteinAtThresholds("nik", [1, 2]))
        deterministic.insert(0, block_on("nik"))
    if "nama_ibu" in has:
        blocking.append(block_on("nama_ibu", "kelurahan") if "kelurahan" in has else block_on("nama_ibu"))
        comparisons.append(cl.NameComparison("nama_ibu").configure(term_frequency_adjustments=True))
    if "jenis_kelamin" in has:
        comparisons.append(cl.ExactMatch("jenis_kelamin"))
    if "tempat_lahir" in has:
        comparisons.append(cl.ExactMatch("tempat_lahir").configure(term_frequency_adjustments=True))
    if "no_kk" in has:
        comparisons.append(cl.ExactMatch("no_kk"))
    if "alamat" in has:
        comparisons.append(cl.JaroWinklerAtThresholds("alamat", [0.9, 0.7]))
    if "kelurahan" in has:
        comparisons.append(cl.ExactMatch("kelurahan").configure(term_frequency_adjustments=True))
    em_rules = [block_on("tanggal_lahir"), block_on("nama")]
    return {"blocking": blocking, "comparisons": comparisons}, deterministic, 0.8, em_rules, True


def run(spec: Spec, variant: str) -> Output:
    """Train and predict with Splink; all blocked pairs are the candidates."""
    from splink import DuckDBAPI, Linker, SettingsCreator

    link = spec.kind == "link"
    left = spec.left.reset_index()
    right = spec.right.reset_index() if spec.right is not None else None
    if spec.schema == "siak":
        left = standardise(left, date_columns=("tanggal_lahir",))
        right = standardise(right, date_columns=("tanggal_lahir",)) if right is not None else None
        model, deterministic, recall, em_rules, no_tf_in_em = _siak_settings(list(left.columns))
    else:
        model, deterministic, recall, em_rules, no_tf_in_em = _febrl_settings(link)
    settings = SettingsCreator(
        unique_id_column_name="rid",
        link_type="link_only" if link else "dedupe_only",
        blocking_rules_to_generate_predictions=model["blocking"],
        comparisons=model["comparisons"],
    )
    db_api = DuckDBAPI()
    tables = [db_api.register(left, dataset_display_name="a_list")]
    if right is not None:
        tables.append(db_api.register(right, dataset_display_name="b_register"))
    linker = Linker(tables if link else tables[0], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=int(spec.options.get("seed", 1)))
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=no_tf_in_em
        )
    scored = linker.inference.predict()
    return _to_output(scored.as_duckdbpyrelation(), link, keep_candidates=not spec.options.get("no_candidates"))


def _columns(relation: Any, where: str, link: bool) -> Any:
    """(list id, register id) pairs of the rows matching ``where``, fetched as two int64 arrays
    straight from DuckDB (never the whole scored table as pandas)."""
    if link:  # put the list id first, whatever order Splink used
        select = (
            "case when source_dataset_l = 'b_register' then rid_r else rid_l end as a, "
            "case when source_dataset_l = 'b_register' then rid_l else rid_r end as b"
        )
    else:
        select = "rid_l as a, rid_r as b"
    arrays = relation.filter(where).project(select).fetchnumpy()
    return as_pair_array(arrays["a"], arrays["b"])


def _to_output(relation: Any, link: bool, *, keep_candidates: bool) -> Output:
    import splink

    predicted = _columns(relation, f"match_probability >= {THRESHOLD}", link)
    candidates = _columns(relation, "true", link) if keep_candidates else None
    return Output(
        predicted=predicted,
        candidates=candidates,
        notes={"system": f"splink {splink.__version__} (duckdb)", "threshold": THRESHOLD,
               "n_candidates_total": int(relation.count("*").fetchall()[0][0])},
    )


if __name__ == "__main__":
    main(run, ("docs",))
