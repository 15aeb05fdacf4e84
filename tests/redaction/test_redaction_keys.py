"""Keys: where they come from, their fingerprint, and that their bytes never show."""

from __future__ import annotations

import pickle

import pytest

from redaction.errors import KeySourceError, MissingKeyError, WeakKeyError
from redaction.keys import load_key

SECRET = "test-key-0123456789abcdef0123456789abcdef"
OTHER = "other-key-0123456789abcdef0123456789abcdef"


def test_env_key_has_a_fingerprint_and_hides_its_bytes():
    """The default variable is read; repr/str/pickle-free views show only the key id."""
    key = load_key(env={"TELEPRIVACY_KEY": SECRET})
    assert len(key.key_id) == 12
    for text in (repr(key), str(key), f"{key}"):
        assert SECRET not in text and key.key_id in text


def test_rotation_changes_the_key_id():
    """A different key has a different fingerprint; the same key the same one."""
    a = load_key(env={"TELEPRIVACY_KEY": SECRET})
    b = load_key(env={"TELEPRIVACY_KEY": OTHER})
    assert a.key_id != b.key_id
    assert a.key_id == load_key(env={"TELEPRIVACY_KEY": SECRET}).key_id


def test_missing_key_says_how_to_set_it():
    """No variable: the message names it and how to make a key, without a traceback of data."""
    with pytest.raises(MissingKeyError, match=r"TELEPRIVACY_KEY is not set.*at least 32"):
        load_key(env={})


def test_short_key_is_refused_without_echoing_it():
    """A too-short key is refused; the message gives its length, never its text."""
    with pytest.raises(WeakKeyError) as err:
        load_key(env={"TELEPRIVACY_KEY": "short-secret"})
    assert "short-secret" not in str(err.value) and "12 characters" in str(err.value)


@pytest.mark.parametrize(
    "source",
    [
        {"env": "MY_KEY"},  # mapping form, as in pipeline.yaml
        "MY_KEY",  # a bare variable name
        type("KeySource", (), {"env": "MY_KEY", "prefect_secret": None})(),  # config object
    ],
)
def test_source_forms_name_the_variable(source):
    """Every accepted source form reads the named variable."""
    assert (
        load_key(source, env={"MY_KEY": SECRET}).key_id
        == load_key(env={"TELEPRIVACY_KEY": SECRET}).key_id
    )


def test_secret_block_goes_through_the_injected_loader():
    """A Prefect Secret block is read by the loader flows inject; redaction imports no Prefect."""
    seen = []
    key = load_key(
        {"prefect_secret": "tp-key"}, env={}, secret_loader=lambda n: seen.append(n) or SECRET
    )
    assert seen == ["tp-key"] and key.key_id == load_key(env={"TELEPRIVACY_KEY": SECRET}).key_id


def test_secret_block_without_loader_or_failing_loader():
    """No loader → KeySourceError; a loader that fails → MissingKeyError naming the block."""
    with pytest.raises(KeySourceError, match="no secret loader"):
        load_key({"prefect_secret": "tp-key"}, env={})

    def boom(name: str) -> str:
        raise ValueError("block not found: " + SECRET)

    with pytest.raises(MissingKeyError, match="'tp-key' could not be read \\(ValueError\\)") as err:
        load_key({"prefect_secret": "tp-key"}, env={}, secret_loader=boom)
    assert SECRET not in str(err.value)


def test_sub_keys_differ_per_label_and_survive_pickling():
    """Operators get distinct derived keys; a pickled key (for task workers) derives the same."""
    key = load_key(env={"TELEPRIVACY_KEY": SECRET})
    assert key.derive("pseudonymize") != key.derive("encrypt_fpe")
    assert pickle.loads(pickle.dumps(key)).derive("x") == key.derive("x")
