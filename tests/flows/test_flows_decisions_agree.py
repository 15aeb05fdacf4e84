"""`check` and the flows decide the same way on the same profiles (one evaluation path)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

import detectors
import policy
from flows.tasks import evaluate_policy_task
from policy.evaluation import NOT_NEEDED


def _with_declarations(workspace: Path) -> Path:
    """The demo configuration, its billing dataset declaring only `name` personal and `plan`
    a quasi-identifier: the undeclared e-mail and the declared QI must reach both paths."""
    data = yaml.safe_load((workspace / "demo.yaml").read_text(encoding="utf-8"))
    for dataset in data["datasets"]:
        if dataset["name"] == "billing":
            dataset["declared_personal"] = ["name"]
            dataset["quasi_identifiers"] = ["plan"]
    path = workspace / "declared.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_check_and_run_give_identical_decisions(demo_workspace: Path) -> None:
    config = policy.load_config(_with_declarations(demo_workspace))
    pack = policy.load_pack(config.policy_ref)
    profiles = {
        ds.name: detectors.profile_dataset(ds.name, str(ds.kind), ds.files())
        for ds in config.datasets
    }
    fields = {name: profile.fields for name, profile in profiles.items()}
    checked = policy.evaluate_config(pack, config, fields)  # what `teleprivacy check` calls
    run = [  # what the scan/deliver/pipeline flows call, task by task
        evaluate_policy_task.fn(pack, config, spec, profiles[spec.dataset])
        for spec in config.deliveries
    ]
    assert run == checked
    billing = [d for d in run if d.dataset == "billing" and d.status.value == "proceed"]
    assert billing, "the demo has billing deliveries that proceed"
    for decision in billing:
        undeclared = {f.field for f in decision.fields if not f.declared}
        # a delivery whose `fields:` leave the e-mail out drops it before detection counts
        left_out = {f.field for f in decision.fields if f.reason == NOT_NEEDED}
        assert "email" in undeclared | left_out and "name" not in undeclared
        assert "plan" in decision.quasi_identifiers or "plan" not in {
            f.field for f in decision.fields if f.verdict.value not in ("drop", "deny")
        }


def test_check_and_a_real_run_decide_every_field_alike(
    prefect_harness, demo_workspace: Path, demo_key, tmp_path: Path
) -> None:
    """The whole paths, not one stage: what `teleprivacy check` reads, profiles, links and
    decides (`flows.stages` with the in-process profiler and its head sample) against the report
    of a real pipeline run over the same configuration: same status, and per field the same
    verdict, operator and category (a run's release gate may coarsen parameters after)."""
    from flows.commands import CHECK_READ_FACTOR
    from flows.detection import detection_settings
    from flows.pipeline import pipeline_flow
    from flows.stages import profile_datasets, profile_here

    path = _with_declarations(demo_workspace)
    config = policy.load_config(path)
    pack = policy.load_pack(config.policy_ref)
    read_rows = CHECK_READ_FACTOR * config.sample_rows
    here = profile_here(detection_settings(config), config.sample_rows, read_rows)
    done = profile_datasets(config, here, max_rows=read_rows)
    assert not done.unread and done.link_error is None
    fields = {name: profile.fields for name, profile in done.profiles.items()}
    checked = policy.evaluate_config(pack, config, fields)
    outcome = pipeline_flow(str(path), str(tmp_path / "out"))
    report = json.loads(Path(outcome.report_json).read_text(encoding="utf-8"))
    ran = {d["name"]: d for d in report["deliveries"]}
    assert set(ran) == {d.delivery for d in checked}
    for decision in checked:
        delivery = ran[decision.delivery]
        denied = decision.status is policy.DeliveryStatus.DENIED
        assert (delivery["status"] == "denied") is denied, decision.delivery
        seen = {f["field"]: (f["verdict"], f["operator"], f["category"])
                for f in delivery["fields"]}  # fmt: skip
        assert seen == {
            f.field: (str(f.verdict), f.operator, f.category) for f in decision.fields
        }, decision.delivery
