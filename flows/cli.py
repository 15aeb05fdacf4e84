"""`teleprivacy`: the command line. Thin: it parses, calls flows or library functions, and turns
errors into a clear message and an exit status (see flows/exit_codes.py). No tracebacks for user
mistakes; unexpected errors print one line and exit 1 (set TELEPRIVACY_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from flows.environment import configure_environment
from flows.exit_codes import ExitCode

Handler = Callable[[argparse.Namespace], int]


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exception bases that mean 'the user can fix this' (exit 2)."""
    from detectors.errors import DetectorError
    from policy.errors import PolicyError
    from redaction.errors import RedactionError
    from reports.errors import ReportError
    from synthetic.errors import SyntheticError

    return (DetectorError, PolicyError, RedactionError, ReportError, SyntheticError)


def _state_dir(out: Path) -> Path:
    return out / ".state"


def cmd_run(args: argparse.Namespace) -> int:
    """Run the whole pipeline of a configuration."""
    from flows import commands

    return commands.run(Path(args.config), Path(args.out), dask=args.dask)


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate sample data and run the bundled demo configuration end to end."""
    from flows import commands

    return commands.demo(Path(args.out), rows=args.rows)


def cmd_scan(args: argparse.Namespace) -> int:
    """Profile files and print what personal data each column holds."""
    from flows import commands

    header = {"true": True, "false": False}.get(args.header, "auto")
    return commands.scan(
        [Path(p) for p in args.paths], kind=args.kind, fmt=args.format, header=header,
        as_json=args.json,
    )  # fmt: skip


def cmd_check(args: argparse.Namespace) -> int:
    """Print the decision table of a configuration, writing nothing."""
    from flows import commands

    return commands.check(Path(args.config))


def cmd_generate(args: argparse.Namespace) -> int:
    """Write a labelled synthetic dataset."""
    from flows import commands

    return commands.generate(args.kind, args.rows, Path(args.out), args.seed)


def cmd_verify(args: argparse.Namespace) -> int:
    """Check every cell of a file (nested values included) for personal data left in clear;
    exit 3 when any is found."""
    from flows import commands

    return commands.verify(Path(args.path), fmt=args.format, as_json=args.json)


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score detection against generated labels."""
    from flows import commands

    return commands.evaluate(args.kind, args.rows, args.seed)


def cmd_serve(args: argparse.Namespace) -> int:
    """Register a scheduled deployment of the pipeline and serve it."""
    from flows import commands

    return commands.serve(Path(args.config), Path(args.out), args.cron, args.name)


def cmd_history(args: argparse.Namespace) -> int:
    """List earlier runs recorded in the run history."""
    from flows import commands

    path = Path(args.history) if args.history else Path(args.out) / "reports" / "history.sqlite"
    return commands.history(path, args.limit)


def cmd_reidentify(args: argparse.Namespace) -> int:
    """Reverse format-preserving-encrypted values (needs the key and a legal basis; audited)."""
    from flows import commands

    return commands.reidentify(
        values=args.values,
        field=args.field,
        legal_basis=args.legal_basis,
        audit_log=Path(args.audit_log),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="teleprivacy",
        description="Scan telecom data for personal information, check it against the privacy "
        "policy's purposes, redact what leaves, verify, and report.",
        epilog="Exit status: 0 all delivered, 3 a delivery was blocked or denied, "
        "2 bad input or configuration, 1 other errors.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "run", help="run a whole pipeline configuration", description=cmd_run.__doc__
    )
    p.add_argument("config", help="pipeline configuration (YAML)")
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS|local",
        help="run tasks on a Dask cluster: a scheduler address, or 'local'",
    )
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "demo", help="generate sample data and run the demo pipeline", description=cmd_demo.__doc__
    )
    p.add_argument("--out", default="out/demo", help="output folder (default: out/demo)")
    p.add_argument("--rows", type=int, default=2000, help="rows per generated dataset")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("scan", help="profile files for personal data", description=cmd_scan.__doc__)
    p.add_argument("paths", nargs="+", help="CSV, Parquet or JSONL files")
    p.add_argument("--kind", default="billing", choices=["billing", "cdr", "tickets"])
    p.add_argument("--format", default=None, choices=["csv", "parquet", "jsonl"])
    p.add_argument(
        "--header", default="auto", choices=["auto", "true", "false"],
        help="does line 1 of a CSV hold column names? auto (default) reads it as data when it "
        "holds values such as phone numbers or dates",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the profile as JSON")
    p.set_defaults(handler=cmd_scan)

    p = sub.add_parser(
        "check", help="print the policy decision table", description=cmd_check.__doc__
    )
    p.add_argument("config", help="pipeline configuration (YAML)")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser(
        "generate", help="write labelled synthetic data", description=cmd_generate.__doc__
    )
    p.add_argument("--kind", required=True, choices=["billing", "cdr", "tickets"])
    p.add_argument("--rows", type=int, default=1000)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(handler=cmd_generate)

    p = sub.add_parser("verify", help="re-scan a delivered file", description=cmd_verify.__doc__)
    p.add_argument("path")
    p.add_argument("--format", default=None, choices=["csv", "parquet", "jsonl"])
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.set_defaults(handler=cmd_verify)

    p = sub.add_parser(
        "evaluate",
        help="score detection against generated labels",
        description=cmd_evaluate.__doc__,
    )
    p.add_argument("--kind", default="all", choices=["all", "billing", "cdr", "tickets"])
    p.add_argument("--rows", type=int, default=1000)
    p.add_argument("--seed", type=int, default=11)
    p.set_defaults(handler=cmd_evaluate)

    p = sub.add_parser("serve", help="serve a scheduled deployment", description=cmd_serve.__doc__)
    p.add_argument("config")
    p.add_argument("--cron", required=True, help='cron schedule, e.g. "0 2 * * *"')
    p.add_argument("--out", default="out")
    p.add_argument("--name", default="teleprivacy-pipeline")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("report", help="run history", description="Inspect recorded runs.")
    report_sub = p.add_subparsers(dest="report_command", required=True, metavar="SUBCOMMAND")
    h = report_sub.add_parser("history", help="list earlier runs", description=cmd_history.__doc__)
    h.add_argument("--out", default="out", help="the run's --out folder (default: out)")
    h.add_argument("--history", help="a history file (default: OUT/reports/history.sqlite)")
    h.add_argument("--limit", type=int, default=20)
    h.set_defaults(handler=cmd_history)

    p = sub.add_parser(
        "reidentify", help="reverse FPE values (audited)", description=cmd_reidentify.__doc__
    )
    p.add_argument("values", nargs="+")
    p.add_argument("--field", required=True, help="the delivered field the values come from")
    p.add_argument("--legal-basis", required=True, help="warrant or process reference")
    p.add_argument("--audit-log", default="out/reports/reidentify-audit.jsonl")
    p.set_defaults(handler=cmd_reidentify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    out = getattr(args, "out", None)
    configure_environment(_state_dir(Path(out)) if out else Path(".teleprivacy"))
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("teleprivacy: interrupted", file=sys.stderr)
        return int(ExitCode.FAILURE)
    except Exception as exc:
        if isinstance(exc, _user_errors()):
            print(f"teleprivacy: error: {exc}", file=sys.stderr)
            return int(ExitCode.BAD_INPUT)
        if os.environ.get("TELEPRIVACY_DEBUG"):
            traceback.print_exc()
        # The type only: an unexpected message could quote data.
        print(
            f"teleprivacy: unexpected {type(exc).__name__}; rerun with TELEPRIVACY_DEBUG=1 "
            "for the traceback",
            file=sys.stderr,
        )
        return int(ExitCode.FAILURE)


if __name__ == "__main__":
    sys.exit(main())
