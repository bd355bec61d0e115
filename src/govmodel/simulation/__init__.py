"""The research layer: simulate requests over a structure, compare variants, sweep seeds.

``Scenario`` holds the assumptions of a simulated period (``Scenario()`` is
calibrated to Xinhe); ``simulate`` runs one period through govmodel's own
rules; ``variants`` makes ablated structures for comparison; ``sweep`` runs
many (structure, scenario, seed) triples on any ``concurrent.futures``
executor and streams one tidy row per run; ``kaplan_meier``, ``backlog``
and ``on_time_with_open`` measure time counting the cases still open;
``mean_and_interval`` and ``paired`` give Student-t intervals of means over
seeds and of differences paired by seed (``govmodel.simulation.intervals``).

Examples
--------
>>> from govmodel import examples
>>> from govmodel.simulation import Scenario, simulate
>>> result = simulate(examples.load("xinhe"), Scenario(days=30), seed=7)
>>> result.metrics.reported == len(result.outcomes)
True
"""

from govmodel.simulation._mechanisms import Staffing
from govmodel.simulation._split import independent_parts, simulate_parts
from govmodel.simulation._sweep import (
    ROW_FIELDS,
    Run,
    rows_to_frame,
    run_row,
    sweep,
    write_csv,
    write_jsonl,
)
from govmodel.simulation._variants import (
    ABLATIONS,
    VariantError,
    Variants,
    ablate,
    variants,
    without_bodies,
)
from govmodel.simulation.engine import CaseOutcome, SimulationResult, simulate
from govmodel.simulation.experiment import (
    IDENTIFYING,
    REPORTERS,
    SERIES_FIELDS,
    Experiment,
    ExperimentError,
    ExperimentRun,
    ExperimentSummary,
    escalations_by_tier,
    load_experiment,
    open_backlog,
    provenance,
    read_rows,
    read_series,
    run_experiment,
    run_key,
)
from govmodel.simulation.intervals import (
    IntervalError,
    PairedDifference,
    mean_and_interval,
    paired,
    paired_table,
    table_text,
)
from govmodel.simulation.scenario import Mechanism, Scenario, ScenarioError
from govmodel.simulation.survival import (
    KaplanMeier,
    OnTime,
    SurvivalError,
    backlog,
    kaplan_meier,
    on_time_with_open,
)

__all__ = [
    "ABLATIONS",
    "IDENTIFYING",
    "REPORTERS",
    "ROW_FIELDS",
    "SERIES_FIELDS",
    "CaseOutcome",
    "Experiment",
    "ExperimentError",
    "ExperimentRun",
    "ExperimentSummary",
    "IntervalError",
    "KaplanMeier",
    "Mechanism",
    "OnTime",
    "PairedDifference",
    "Run",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "Staffing",
    "SurvivalError",
    "VariantError",
    "Variants",
    "ablate",
    "backlog",
    "escalations_by_tier",
    "independent_parts",
    "kaplan_meier",
    "load_experiment",
    "mean_and_interval",
    "on_time_with_open",
    "open_backlog",
    "paired",
    "paired_table",
    "provenance",
    "read_rows",
    "read_series",
    "rows_to_frame",
    "run_experiment",
    "run_key",
    "run_row",
    "simulate",
    "simulate_parts",
    "sweep",
    "table_text",
    "variants",
    "without_bodies",
    "write_csv",
    "write_jsonl",
]
