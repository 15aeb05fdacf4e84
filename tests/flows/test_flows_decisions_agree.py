"""`check` and the flows decide the same way on the same profiles (one evaluation path)."""

from __future__ import annotations

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
        evaluate_policy_task.fn(pack, spec, profiles[spec.dataset], config.dataset(spec.dataset))
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

