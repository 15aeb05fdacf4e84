"""Pipeline configuration: datasets, deliveries and key source, checked against a policy pack.

Relative paths resolve against the config file's folder; a URL (`s3://bucket/prefix/*.csv`)
stays a URL (`storage.ObjectPath`). `load_config` collects every problem
(schema, duplicates, unknown references, names the pack does not know) and raises one
`ConfigError`.
"""

from __future__ import annotations

import codecs
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from policy.decisions import TokenScope
from policy.documents import read_document, validation_problems
from policy.errors import ConfigError, DatasetFilesError, PackError, Problem, UnknownNameError
from policy.loader import load_pack
from policy.pack import PolicyPack
from storage import ObjectPath, as_location, glob, is_url

DEFAULT_KEY_ENV = "TELEPRIVACY_KEY"
KEY_IN_CONFIG = "keys never go in config files; set TELEPRIVACY_KEY or name a Prefect Secret block"
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
DASK_ADDRESS = re.compile(r"^(local|(tcp|tls|ws|wss|inproc|ucx)://\S+)$")


class DatasetKind(StrEnum):
    BILLING = "billing"
    CDR = "cdr"
    TICKETS = "tickets"


class DataFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"
    JSONL = "jsonl"


class OutputFormat(StrEnum):
    PARQUET = "parquet"
    CSV = "csv"


class QuarantineAction(StrEnum):
    """What a delivery whose quarantined share exceeds `quarantine_threshold` becomes."""

    REVIEW = "review"  # delivered, and the report says it needs review (amber)
    BLOCK = "block"  # not delivered (exit 3)


def _is_path(value: str) -> bool:
    """A pack reference is a path when it has a folder or a YAML suffix, else a bundled name."""
    return "/" in value or value.endswith((".yaml", ".yml"))


def _resolve(value: str | Path, info: ValidationInfo) -> Path | ObjectPath:
    if is_url(value):  # s3://bucket/key stays a URL; file:///srv/a.csv is a local path
        return as_location(str(value))
    base = (info.context or {}).get("base_dir")
    path = Path(value).expanduser()
    return path if path.is_absolute() or base is None else Path(base) / path


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeySource(_Strict):
    """Where the pseudonymization key comes from: an environment variable or a Prefect Secret."""

    env: Name | None = None
    prefect_secret: Name | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_key_values(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if "value" in data:
                raise PydanticCustomError("key_in_config", KEY_IN_CONFIG)
            if not data.get("env") and not data.get("prefect_secret"):
                return {**data, "env": DEFAULT_KEY_ENV}
        return data

    @model_validator(mode="after")
    def _one_source(self) -> KeySource:
        if self.env and self.prefect_secret:
            raise PydanticCustomError("key_sources", "give env or prefect_secret, not both")
        return self


class DatasetSpec(_Strict):
    """One input dataset: a file or glob of CSV/Parquet/JSONL files of one kind, local or in
    object storage (`s3://bucket/prefix/*.csv`)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, populate_by_name=True
    )

    name: Name
    kind: DatasetKind
    # absolute once loaded, or an object-store URL (ObjectPath); may hold glob characters
    path: Path | ObjectPath
    format: DataFormat | None = None  # else from the file extension
    # CSV only: does line 1 hold column names? `auto` reads line 1 as data (headerless) when a
    # cell reads as a value (phone, e-mail, date/time, number), so values never become names.
    header: bool | Literal["auto"] = "auto"
    # Fields known to hold personal data. When given, personal data found elsewhere is marked
    # undeclared (FieldDecision.declared=False); when absent, detection is the source of truth.
    declared_personal: list[str] | None = None
    # CSV/JSONL text encoding (a Python codec name: utf-8, utf-16, cp1252, latin-1...). Without
    # it: UTF-8, or UTF-16/32 by BOM, and cp1252 (with a note in the report) for other bytes.
    encoding: str | None = None
    # Re-identification risk: columns that single people out in combination (beyond those the
    # taxonomy and column names mark: plan, amount…) and sensitive ones for l-diversity.
    quasi_identifiers: list[str] | None = None
    sensitive: list[str] | None = None
    # `schema:` column → type (int64, bool, date, decimal(P,S), timestamp, timestamp[ZONE],
    # string): read as that type everywhere; a value that does not fit is quarantined
    # (`detectors.declared_types`, which checks the names when the dataset is read)
    declared_types: dict[str, Text] | None = Field(default=None, alias="schema")

    @field_validator("path", mode="before")
    @classmethod
    def _resolve_path(cls, value: Any, info: ValidationInfo) -> Any:
        return _resolve(value, info) if isinstance(value, str | Path) else value

    @field_serializer("path", when_used="json")
    def _path_text(self, value: Path | ObjectPath) -> str:
        return str(value)  # a URL as written, a local path as a string

    @field_validator("encoding")
    @classmethod
    def _check_encoding(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            info = codecs.lookup(value)
        except LookupError:
            info = None
        if info is None or not getattr(info, "_is_text_encoding", True):
            raise PydanticCustomError(
                "encoding",
                "encoding '{value}' is not known; expected a Python codec name such as utf-8, "
                "utf-16, cp1252 or latin-1",
                {"value": value},
            )
        return value

    def files(self) -> list[Path | ObjectPath]:
        """The files (or objects) the path or glob matches, sorted; raises when none does."""
        matches = glob(self.path)
        if not matches and isinstance(self.path, ObjectPath):
            raise DatasetFilesError(
                f"dataset '{self.name}': no object matches {self.path}; check the URL, and that "
                "the store's credentials may list that prefix"
            )
        if not matches:
            raise DatasetFilesError(
                f"dataset '{self.name}': no file matches {self.path}; check the path "
                "(relative paths resolve against the config file's folder)"
            )
        return matches


class DeliverySpec(_Strict):
    """One delivery: a dataset sent to a recipient of a class, for a purpose."""

    name: Name
    dataset: Name
    recipient: Text
    recipient_class: str
    purpose: str
    fields: list[str] | None = None  # default: every field of the dataset
    legal_basis: Text | None = None  # warrant or legal process reference
    format: OutputFormat | None = None  # default: the config's output_format
    # tokens made with a key derived with `recipient` (default), or shared across recipients
    # (only for recipient classes the pack grants `shared_tokens`)
    token_scope: TokenScope = TokenScope.RECIPIENT
    # Hive-style folders (`day=2026-11-05/`): `day` or `month` of the delivery's call or billing
    # time (`day(start)` names the column), or a delivered column without personal data
    partition_by: list[Text] | None = Field(default=None, min_length=1, max_length=3)


class DetectionConfig(_Strict):
    """Detection settings a configuration may tune (see `detectors.DetectionSettings`)."""

    allow_list: list[Text] = Field(default_factory=list)  # the company's own names and numbers
    default_region: str = Field(default="US", pattern=r"^[A-Z]{2}$")  # ISO 3166 alpha-2
    account_patterns: list[Text] | None = None  # regexes for customer/account numbers


class PipelineConfig(_Strict):
    """A validated `pipeline.yaml`. Build it with `policy.load_config`."""

    policy: str  # bundled pack name, or absolute path to a pack file
    datasets: list[DatasetSpec] = Field(min_length=1)
    deliveries: list[DeliverySpec] = Field(default_factory=list)
    key: KeySource = KeySource()
    history: Path | None = None
    sample_rows: int = Field(default=10_000, gt=0)
    output_format: OutputFormat = OutputFormat.PARQUET
    dask: str | None = None  # run per-file tasks on Dask; the CLI's --dask overrides
    detection: DetectionConfig = DetectionConfig()
    # A delivery with more than this share of its input records quarantined is not green: it
    # needs review (on_quarantine: review) or is blocked (on_quarantine: block).
    quarantine_threshold: float = Field(default=0.001, ge=0, le=1)
    on_quarantine: QuarantineAction = QuarantineAction.REVIEW

    _path: Path = PrivateAttr(default=Path())
    _sha256: str = PrivateAttr(default="")
    _pack: PolicyPack | None = PrivateAttr(default=None)

    @field_validator("policy", mode="before")
    @classmethod
    def _resolve_policy(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and _is_path(value):
            return str(_resolve(value, info))
        return value

    @field_validator("dask")
    @classmethod
    def _check_dask(cls, value: str | None) -> str | None:
        if value is not None and not DASK_ADDRESS.match(value):
            raise PydanticCustomError(
                "dask_address",
                "expected 'local' or a Dask scheduler address such as tcp://scheduler:8786",
            )
        return value

    @field_validator("history", mode="before")
    @classmethod
    def _resolve_history(cls, value: Any, info: ValidationInfo) -> Any:
        if is_url(value):
            raise PydanticCustomError(
                "history_url", "the run history is a local SQLite file; give a local path"
            )
        return _resolve(value, info) if isinstance(value, str | Path) else value

    @property
    def path(self) -> Path:
        return self._path

    @property
    def sha256(self) -> str:
        """SHA-256 of the config file's bytes, for run history and reports."""
        return self._sha256

    @property
    def history_path(self) -> Path | None:
        return self.history

    @property
    def policy_ref(self) -> str:
        """What `load_pack` takes: a bundled pack name or an absolute path to a pack file."""
        return self.policy

    @property
    def pack(self) -> PolicyPack:
        """The policy pack the config was checked against."""
        if self._pack is None:
            self._pack = load_pack(self.policy)
        return self._pack

    def dataset(self, name: str) -> DatasetSpec:
        for spec in self.datasets:
            if spec.name == name:
                return spec
        known = ", ".join(d.name for d in self.datasets)
        raise UnknownNameError(f"unknown dataset '{name}'; known: {known}")

    def delivery(self, name: str) -> DeliverySpec:
        for spec in self.deliveries:
            if spec.name == name:
                return spec
        known = ", ".join(d.name for d in self.deliveries)
        raise UnknownNameError(f"unknown delivery '{name}'; known: {known}")

    def output_format_for(self, delivery: DeliverySpec) -> OutputFormat:
        return delivery.format or self.output_format


def load_config(path: str | Path) -> PipelineConfig:
    """Read and check `path`; raise one `ConfigError` listing every problem."""
    path = Path(path)
    doc, problems = read_document(path)
    if doc is None:
        raise ConfigError(str(path), problems)
    context = {"base_dir": path.resolve().parent}
    config: PipelineConfig | None = None
    try:
        config = PipelineConfig.model_validate(doc.data, context=context)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, PipelineConfig))
    problems.extend(_duplicates(doc.data, "datasets", "dataset"))
    problems.extend(_duplicates(doc.data, "deliveries", "delivery"))
    pack = _pack(doc.data.get("policy"), context["base_dir"], problems)
    problems.extend(_references(doc.data, pack))
    if problems or config is None:
        raise ConfigError(str(path), problems)
    config._path = path
    config._sha256 = doc.sha256
    config._pack = pack
    return config


def _entries(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _duplicates(data: dict[str, Any], key: str, label: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for i, item in _entries(data, key):
        name = item.get("name")
        if not isinstance(name, str):
            continue
        if name in first:
            problems.append(Problem(f"{key}[{i}].name",
                                    f"duplicate {label} '{name}' (also {key}[{first[name]}])",
                                    f"give each {label} a unique name"))
        else:
            first[name] = i
    return problems


def _pack(policy: Any, base_dir: Path, problems: list[Problem]) -> PolicyPack | None:
    if not isinstance(policy, str):
        return None
    if _is_path(policy):
        policy = str(base_dir / policy)
    try:
        return load_pack(policy)
    except UnknownNameError as exc:
        problems.append(Problem("policy", str(exc)))
    except PackError as exc:
        problems.append(Problem("policy", f"policy pack does not load:\n{exc}"))
    return None


def _references(data: dict[str, Any], pack: PolicyPack | None) -> list[Problem]:
    datasets = list(dict.fromkeys(
        item["name"] for _, item in _entries(data, "datasets") if "name" in item
    ))
    problems = []
    for i, item in _entries(data, "deliveries"):
        dataset = item.get("dataset")
        if isinstance(dataset, str) and dataset not in datasets:
            problems.append(Problem(f"deliveries[{i}].dataset", f"unknown dataset '{dataset}'",
                                    f"known: {', '.join(map(str, datasets))}"))
        if pack is None:
            continue
        purpose = item.get("purpose")
        if isinstance(purpose, str):  # a purpose slug of the pack, or a data use it serves
            try:
                pack.purpose(purpose)
            except UnknownNameError as exc:
                problems.append(Problem(f"deliveries[{i}].purpose", str(exc)))
        cls = item.get("recipient_class")
        if isinstance(cls, str) and cls not in pack.recipient_classes:
            problems.append(Problem(f"deliveries[{i}].recipient_class",
                                    f"'{cls}' is not a recipient class of pack '{pack.name}'",
                                    f"known: {', '.join(pack.recipient_classes)}"))
        elif isinstance(cls, str) and item.get("token_scope") == TokenScope.SHARED and (
            problem := shared_scope_problem(pack, cls, item.get("name"))
        ):
            problems.append(Problem(f"deliveries[{i}].token_scope", *problem))
    return problems


def shared_scope_problem(
    pack: PolicyPack, recipient_class: str, delivery: Any
) -> tuple[str, str] | None:
    """Why a delivery to `recipient_class` may not use `token_scope: shared` (message, hint),
    or None when the pack grants the class `shared_tokens`."""
    if pack.recipient_class(recipient_class).shared_tokens is not None:
        return None
    granted = [c.slug for c in pack.recipient_classes.values() if c.shared_tokens is not None]
    return (
        f"delivery '{delivery}': token_scope shared is not allowed for recipient class "
        f"'{recipient_class}' (pack '{pack.name}' does not grant it shared_tokens): its tokens "
        "would join with other recipients' deliveries",
        "remove token_scope (tokens scoped to the recipient"
        + (f"; classes granted shared_tokens: {', '.join(granted)})" if granted else ")"),
    )
