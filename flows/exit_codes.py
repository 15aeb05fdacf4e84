"""Exit statuses of the `teleprivacy` command, as documented in the README."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every delivery delivered (or, for check, may proceed)
    FAILURE = 1  # an unexpected error: a bug or an environment problem
    BAD_INPUT = 2  # bad configuration, policy pack or input file: the message says what to fix
    BLOCKED = 3  # a delivery was denied by policy or blocked by verification
