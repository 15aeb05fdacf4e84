"""Pipeline configuration: loading, path resolution, and every problem reported at once."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest

from policy import (
    ConfigError,
    DatasetFilesError,
    DatasetKind,
    OutputFormat,
    UnknownNameError,
    load_config,
    load_pack,
)

DEMO = Path(__file__).resolve().parents[2] / "policy" / "examples" / "demo.yaml"
GOOD = """\
policy: voipms
datasets:
  - {name: cdr, kind: cdr, path: data/cdr/*.csv}
  - {name: tickets, kind: tickets, path: data/tickets.jsonl, declared_personal: [email]}
deliveries:
  - name: cdr-quality
    dataset: cdr
    recipient: acme-analytics
    recipient_class: analytics_vendor
    purpose: service_quality
    fields: [start, duration, src, dst]
    format: csv
history: reports/history.sqlite
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    return str(err.value).replace(f"{path}: ", "").splitlines()


def test_good_config_loads(tmp_path: Path) -> None:
    """Paths resolve against the config folder; defaults fill in; the sha256 is of the bytes."""
    path = _write(tmp_path, GOOD)
    config = load_config(path)
    assert config.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert config.datasets[0].kind is DatasetKind.CDR
    assert config.datasets[0].path == tmp_path / "data" / "cdr" / "*.csv"
    assert config.history_path == tmp_path / "reports" / "history.sqlite"
    assert config.key.env == "TELEPRIVACY_KEY" and config.key.prefect_secret is None
    assert config.sample_rows == 10_000
    assert config.output_format_for(config.deliveries[0]) is OutputFormat.CSV
    assert config.pack.name == "voipms"
    assert config.dataset("tickets").declared_personal == ["email"]
    assert config.delivery("cdr-quality").fields == ["start", "duration", "src", "dst"]
    assert config.policy_ref == "voipms"
    with pytest.raises(UnknownNameError, match="unknown delivery 'x'; known: cdr-quality"):
        config.delivery("x")


def test_demo_config_loads() -> None:
    """The shipped demo config is valid against the bundled voipms pack."""
    config = load_config(DEMO)
    assert [d.recipient_class for d in config.deliveries] == [
        "analytics_vendor", "debt_collector", "analytics_vendor", "marketing_partner",
        "marketing_partner", "order_fulfilment_provider", "law_enforcement"]


def test_pack_path_resolves_against_the_config(tmp_path: Path) -> None:
    """`policy:` may name a pack file relative to the config."""
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "mine.yaml").write_bytes(load_pack("voipms").path.read_bytes())
    config = load_config(_write(tmp_path, GOOD.replace("voipms", "packs/mine.yaml")))
    assert config.policy == str(tmp_path / "packs" / "mine.yaml")
    assert config.pack.sha256 == load_pack("voipms").sha256


def test_prefect_secret_key_source(tmp_path: Path) -> None:
    """The key may come from a named Prefect Secret block instead of an env var."""
    config = load_config(_write(tmp_path, GOOD + "key: {prefect_secret: teleprivacy-key}\n"))
    assert (config.key.env, config.key.prefect_secret) == (None, "teleprivacy-key")


def test_dataset_files_expand_globs(tmp_path: Path) -> None:
    """A glob expands to sorted files; one matching nothing is an error naming it."""
    config = load_config(_write(tmp_path, GOOD))
    with pytest.raises(DatasetFilesError) as err:
        config.dataset("cdr").files()
    assert str(err.value) == (
        f"dataset 'cdr': no file matches {tmp_path}/data/cdr/*.csv; check the path "
        "(relative paths resolve against the config file's folder)"
    )
    (tmp_path / "data" / "cdr").mkdir(parents=True)
    for name in ("b.csv", "a.csv", "notes.txt"):
        (tmp_path / "data" / "cdr" / name).write_text("x\n", encoding="utf-8")
    assert [p.name for p in config.dataset("cdr").files()] == ["a.csv", "b.csv"]


PURPOSES = ("identify_customer, personalize_content, site_updates, improve_content, marketing, "
            "order_processing, complaint_handling, service_quality, consent, legal_process, "
            "order_fulfilment, debt_recovery, sale")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an unknown top-level key
        (GOOD + "colour: red\n",
         ["colour: unknown key; known keys: policy, datasets, deliveries, key, history, "
          "sample_rows, output_format, dask, detection, quarantine_threshold, on_quarantine"]),
        # a Dask scheduler written as a bare host
        (GOOD + "dask: scheduler:8786\n",
         ["dask: expected 'local' or a Dask scheduler address such as tcp://scheduler:8786"]),
        # an unknown key inside a delivery
        (GOOD.replace("    format: csv\n", "    format: csv\n    colour: red\n"),
         ["deliveries[0].colour: unknown key; known keys: name, dataset, recipient, "
          "recipient_class, purpose, fields, legal_basis, format, token_scope, partition_by"]),
        # an unknown key inside a dataset: the known ones as they are written (schema)
        (GOOD.replace("kind: tickets", "kind: tickets, colour: red"),
         ["datasets[1].colour: unknown key; known keys: name, kind, path, format, header, "
          "declared_personal, encoding, quasi_identifiers, sensitive, schema"]),
        # a delivery of a dataset that is not declared
        (GOOD.replace("dataset: cdr", "dataset: cdrs"),
         ["deliveries[0].dataset: unknown dataset 'cdrs'; known: cdr, tickets"]),
        # a purpose the pack does not have
        (GOOD.replace("purpose: service_quality", "purpose: foo"),
         [f"deliveries[0].purpose: 'foo' is not a purpose of pack 'voipms'; known: {PURPOSES}; "
          "or a data use of policy/taxonomy.yaml"]),
        # a data use no purpose of the pack serves, and one several purposes serve
        (GOOD.replace("purpose: service_quality", "purpose: analytics"),
         [f"deliveries[0].purpose: no purpose of pack 'voipms' serves data use 'analytics'; "
          f"known: {PURPOSES}"]),
        (GOOD.replace("purpose: service_quality", "purpose: service.improvement"),
         ["deliveries[0].purpose: data use 'service.improvement' is served by several purposes "
          "of pack 'voipms' (improve_content, service_quality); name one of them"]),
        # a recipient class the pack does not have
        (GOOD.replace("recipient_class: analytics_vendor", "recipient_class: spy"),
         ["deliveries[0].recipient_class: 'spy' is not a recipient class of pack 'voipms'; "
          "known: internal, payment_processor, debt_collector, law_enforcement, "
          "order_fulfilment_provider, analytics_vendor, marketing_partner"]),
        # a key value written into the config
        (GOOD + "key: {value: s3cr3t}\n",
         ["key: keys never go in config files; set TELEPRIVACY_KEY or name a Prefect Secret "
          "block"]),
        # a blank legal basis is no legal basis
        (GOOD.replace("    format: csv\n", "    format: csv\n    legal_basis: '  '\n"),
         ["deliveries[0].legal_basis: String should have at least 1 character"]),
        # two datasets with one name
        (GOOD.replace("name: tickets", "name: cdr"),
         ["datasets[1].name: duplicate dataset 'cdr' (also datasets[0]); give each dataset a "
          "unique name"]),
        # an unknown dataset kind and a bundled pack that does not exist
        (GOOD.replace("kind: tickets", "kind: radius").replace("voipms", "nosuch"),
         ["datasets[1].kind: Input should be 'billing', 'cdr' or 'tickets'",
          "policy: no bundled policy pack 'nosuch'; bundled: legacysip, voipms; or give the "
          "path to a pack file"]),
        # a YAML syntax error, with its line
        ("policy: voipms\ndatasets:\n  - {name: cdr, kind: cdr, path: a.csv\n",
         ["line 4, column 1: YAML syntax error: did not find expected ',' or '}'; fix the YAML "
          "syntax"]),
    ],
)
def test_bad_config(tmp_path: Path, text: str, expected: list[str]) -> None:
    """Each broken config reports exactly these problems."""
    assert _problems(tmp_path, text) == expected


def test_all_config_problems_are_collected(tmp_path: Path) -> None:
    """Schema, reference and pack problems come back in one error, which pickles."""
    text = (GOOD.replace("purpose: service_quality", "purpose: foo")
            .replace("dataset: cdr", "dataset: nope") + "colour: 1\nkey: {value: x}\n")
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert [p.where for p in err.value.problems] == [
        "key", "colour", "deliveries[0].dataset", "deliveries[0].purpose"]
    assert str(pickle.loads(pickle.dumps(err.value))) == str(err.value)
