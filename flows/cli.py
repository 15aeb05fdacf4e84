"""`teleprivacy`: the command line. Thin: it parses, calls flows or library functions, and turns
errors into a clear message and an exit status (see flows/exit_codes.py). No tracebacks for user
mistakes (a full disk, a file given as --out, a vanished input included); unexpected errors print
one line and exit 1. `--debug` (or TELEPRIVACY_DEBUG=1) shows the tracebacks.

`run`, `demo` and `serve` run in a child process group that dies with the command, so a killed
`teleprivacy` takes Prefect's temporary API server with it (`flows.environment.supervise`).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from flows.environment import (
    OutputFolderError,
    can_supervise,
    configure_environment,
    hide_tracebacks,
    supervise,
    watch_supervisor,
)
from flows.exit_codes import ExitCode

Handler = Callable[[argparse.Namespace], int]
DEBUG_ENV = "TELEPRIVACY_DEBUG"
SUPERVISED_COMMANDS = frozenset({"run", "demo", "serve"})
WARM_COMMANDS = frozenset({"run", "demo"})  # forked from the warm runner when it is ready
# File-system errors a user fixes with another --out, free space, permissions or a restored file.
USER_ERRNOS = frozenset(
    {
        errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM,
        errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENOENT, errno.ENAMETOOLONG,
    }
)  # fmt: skip


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exception bases that mean 'the user can fix this' (exit 2)."""
    from detectors.errors import DetectorError
    from flows.local_server import LocalServerError
    from policy.errors import PolicyError
    from redaction.errors import RedactionError
    from reports.errors import ReportError
    from storage.errors import StorageError
    from synthetic.errors import SyntheticError

    return (
        DetectorError, PolicyError, RedactionError, ReportError, SyntheticError, OutputFolderError,
        LocalServerError, StorageError,
    )  # fmt: skip


def is_user_error(exc: BaseException) -> bool:
    """True when the user can fix the cause (exit 2): our packages' errors, and file-system
    errors such as a full disk, a read-only folder or a file that vanished."""
    if isinstance(exc, _user_errors()):
        return True
    return isinstance(exc, OSError) and exc.errno in USER_ERRNOS


def describe_error(exc: BaseException) -> str:
    """A user error in one line: our own messages as they are, a file-system error as the path,
    the system's reason and what to do."""
    if isinstance(exc, OSError) and not isinstance(exc, _user_errors()):
        where = f"{exc.filename}: " if exc.filename else ""
        reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
        return (
            f"{where}{reason}; check that the output folder is writable and has free space, and "
            "that the inputs are where the configuration says"
        )
    return " ".join(str(exc).split())


def debug_enabled() -> bool:
    """Tracebacks wanted: `--debug` or TELEPRIVACY_DEBUG=1."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _state_dir(out: str | Path) -> Path:
    """`OUT/.state`; for an object-store --out (`s3://…`), in its local work folder."""
    if "://" in str(out):
        from storage import as_location, work_dir

        return work_dir(as_location(str(out))) / ".state"
    return Path(out) / ".state"


def _location(text: str):
    """A command-line path or URL as a `Path` or a `storage.ObjectPath` (`s3://…` stays a URL)."""
    from storage import as_location

    return as_location(text)


def cmd_run(args: argparse.Namespace) -> int:
    """Run the whole pipeline of a configuration."""
    from flows import commands

    return commands.run(Path(args.config), _location(args.out), dask=args.dask)


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate sample data and run the bundled demo configuration end to end."""
    from flows import commands

    return commands.demo(Path(args.out), rows=args.rows)


def cmd_scan(args: argparse.Namespace) -> int:
    """Profile files and print what personal data each column holds."""
    from flows import commands

    header = {"true": True, "false": False}.get(args.header, "auto")
    return commands.scan(
        [_location(p) for p in args.paths], kind=args.kind, fmt=args.format, header=header,
        as_json=args.json, encoding=args.encoding,
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

    return commands.verify(_location(args.path), fmt=args.format, as_json=args.json)


def cmd_describe(args: argparse.Namespace) -> int:
    """Print the data dictionary of a delivery folder: each delivered column's type, what was
    done to it, its category and the clause behind it."""
    from flows import commands

    return commands.describe(_location(args.delivery_dir), as_json=args.json)


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score detection against generated labels."""
    from flows import commands

    return commands.evaluate(args.kind, args.rows, args.seed)


def cmd_serve(args: argparse.Namespace) -> int:
    """Register a scheduled deployment of the pipeline and serve it."""
    from flows import commands

    return commands.serve(Path(args.config), _location(args.out), args.cron, args.name)


def cmd_history(args: argparse.Namespace) -> int:
    """List earlier runs recorded in the run history."""
    from flows import commands

    # an object-store --out keeps its history in its local work folder (storage.work_dir)
    out = _state_dir(args.out).parent
    path = Path(args.history) if args.history else out / "reports" / "history.sqlite"
    return commands.history(path, args.limit)


def cmd_reidentify(args: argparse.Namespace) -> int:
    """Reverse format-preserving-encrypted values (needs the key and a legal basis; audited)."""
    from flows import commands

    return commands.reidentify(
        values=args.values,
        field=args.field,
        legal_basis=args.legal_basis,
        audit_log=Path(args.audit_log),
        recipient=None if args.shared_scope else args.recipient,
    )


def cmd_server_start(args: argparse.Namespace) -> int:
    """Start the local Prefect server that runs with this --out reuse (a run starts it on first
    use anyway); report the running one if there is one. Nothing is started when PREFECT_API_URL
    is set."""
    from flows import commands

    return commands.server_start(Path(args.out))


def cmd_server_stop(args: argparse.Namespace) -> int:
    """Stop the local Prefect server of this --out; the next run starts it again (set
    TELEPRIVACY_PREFECT_SERVER=ephemeral for Prefect's temporary server at every run instead)."""
    from flows import commands

    return commands.server_stop(Path(args.out))


def cmd_server_status(args: argparse.Namespace) -> int:
    """Say which Prefect API runs with this --out use: PREFECT_API_URL, the local server (its
    address, process and health) or Prefect's temporary server."""
    from flows import commands

    return commands.server_status(Path(args.out), as_json=args.json)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS,
        help="print tracebacks (same as TELEPRIVACY_DEBUG=1)",
    )  # fmt: skip
    parser = argparse.ArgumentParser(
        prog="teleprivacy",
        parents=[common],
        description="Scan telecom data for personal information, check it against the privacy "
        "policy's purposes, redact what leaves, verify, and report.",
        epilog="Exit status: 0 all delivered, 3 a delivery was blocked or denied, "
        "2 bad input or configuration, 1 other errors.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        """A subcommand; it takes --debug after its name too."""
        return sub.add_parser(name, parents=[common], **kwargs)

    p = command("run", help="run a whole pipeline configuration", description=cmd_run.__doc__)
    p.add_argument("config", help="pipeline configuration (YAML)")
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS|local",
        help="run tasks on a Dask cluster: a scheduler address, or 'local'",
    )
    p.set_defaults(handler=cmd_run)

    p = command(
        "demo", help="generate sample data and run the demo pipeline", description=cmd_demo.__doc__
    )
    p.add_argument("--out", default="out/demo", help="output folder (default: out/demo)")
    p.add_argument("--rows", type=int, default=2000, help="rows per generated dataset")
    p.set_defaults(handler=cmd_demo)

    p = command("scan", help="profile files for personal data", description=cmd_scan.__doc__)
    p.add_argument("paths", nargs="+", help="CSV, Parquet or JSONL files")
    p.add_argument("--kind", default="billing", choices=["billing", "cdr", "tickets"])
    p.add_argument("--format", default=None, choices=["csv", "parquet", "jsonl"])
    p.add_argument(
        "--header", default="auto", choices=["auto", "true", "false"],
        help="does line 1 of a CSV hold column names? auto (default) reads it as data when it "
        "holds values such as phone numbers or dates",
    )  # fmt: skip
    p.add_argument(
        "--encoding", default=None, metavar="CODEC",
        help="text encoding of CSV/JSONL files, as a dataset's encoding: setting (e.g. cp1252, "
        "utf-16); default: UTF-8 or UTF-16 by BOM, else UTF-8 with a cp1252 fallback",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the profile as JSON")
    p.set_defaults(handler=cmd_scan)

    p = command("check", help="print the policy decision table", description=cmd_check.__doc__)
    p.add_argument("config", help="pipeline configuration (YAML)")
    p.set_defaults(handler=cmd_check)

    p = command("generate", help="write labelled synthetic data", description=cmd_generate.__doc__)
    p.add_argument("--kind", required=True, choices=["billing", "cdr", "tickets"])
    p.add_argument("--rows", type=int, default=1000)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(handler=cmd_generate)

    p = command("verify", help="re-scan a delivered file", description=cmd_verify.__doc__)
    p.add_argument("path")
    p.add_argument("--format", default=None, choices=["csv", "parquet", "jsonl"])
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.set_defaults(handler=cmd_verify)

    p = command(
        "describe", help="print a delivery's data dictionary", description=cmd_describe.__doc__
    )
    p.add_argument("delivery_dir", metavar="DELIVERY_DIR", help="a delivery folder, e.g. "
                   "out/deliveries/cdr-quality")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print _dictionary.json as it is")
    p.set_defaults(handler=cmd_describe)

    p = command(
        "evaluate",
        help="score detection against generated labels",
        description=cmd_evaluate.__doc__,
    )
    p.add_argument("--kind", default="all", choices=["all", "billing", "cdr", "tickets"])
    p.add_argument("--rows", type=int, default=1000)
    p.add_argument("--seed", type=int, default=11)
    p.set_defaults(handler=cmd_evaluate)

    p = command("serve", help="serve a scheduled deployment", description=cmd_serve.__doc__)
    p.add_argument("config")
    p.add_argument("--cron", required=True, help='cron schedule, e.g. "0 2 * * *"')
    p.add_argument("--out", default="out")
    p.add_argument("--name", default="teleprivacy-pipeline")
    p.set_defaults(handler=cmd_serve)

    p = command("report", help="run history", description="Inspect recorded runs.")
    report_sub = p.add_subparsers(dest="report_command", required=True, metavar="SUBCOMMAND")
    h = report_sub.add_parser(
        "history", parents=[common], help="list earlier runs", description=cmd_history.__doc__
    )
    h.add_argument("--out", default="out", help="the run's --out folder (default: out)")
    h.add_argument("--history", help="a history file (default: OUT/reports/history.sqlite)")
    h.add_argument("--limit", type=int, default=20)
    h.set_defaults(handler=cmd_history)

    p = command(
        "reidentify", help="reverse FPE values (audited)", description=cmd_reidentify.__doc__
    )
    p.add_argument("values", nargs="+")
    p.add_argument("--field", required=True, help="the delivered field the values come from")
    p.add_argument("--legal-basis", required=True, help="warrant or process reference")
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument(
        "--recipient", help="the recipient the values were delivered to (tokens are scoped per "
        "recipient: the delivery's `recipient` in the configuration)",
    )  # fmt: skip
    scope.add_argument(
        "--shared-scope", action="store_true",
        help="the values come from a delivery with `token_scope: shared`",
    )  # fmt: skip
    p.add_argument("--audit-log", default="out/reports/reidentify-audit.jsonl")
    p.set_defaults(handler=cmd_reidentify)

    p = command(
        "server", help="the local Prefect server runs reuse",
        description="Runs start a local Prefect server on first use (loopback, state under "
        "OUT/.state) and reuse it, so a run starts in about a second instead of ~13 s. "
        "PREFECT_API_URL, when set, wins; TELEPRIVACY_PREFECT_SERVER=ephemeral opts out.",
    )  # fmt: skip
    server_sub = p.add_subparsers(dest="server_command", required=True, metavar="SUBCOMMAND")
    for name, handler, summary in (
        ("start", cmd_server_start, "start the local Prefect server"),
        ("stop", cmd_server_stop, "stop the local Prefect server"),
        ("status", cmd_server_status, "show which Prefect API runs use"),
    ):
        s = server_sub.add_parser(name, parents=[common], help=summary, description=handler.__doc__)
        s.add_argument(
            "--out", default="out", help="the runs' output folder, whose .state holds the "
            "server (default: out; PREFECT_HOME, when set, decides instead)",
        )  # fmt: skip
        if name == "status":
            s.add_argument("--json", action="store_true", help="print the status as JSON")
        s.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command. From the command line (`argv` None), commands that start flows run in a
    supervised child process group (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "debug", False):
        os.environ[DEBUG_ENV] = "1"
    if argv is None and args.command in SUPERVISED_COMMANDS and can_supervise():
        return _run_supervised(args)
    watch_supervisor()
    out = getattr(args, "out", None)
    configure_environment(_state_dir(out) if out else Path(".teleprivacy"))
    if not debug_enabled():
        hide_tracebacks(is_user_error)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("teleprivacy: interrupted", file=sys.stderr)
        return int(ExitCode.FAILURE)
    except BrokenPipeError:  # `teleprivacy check … | head`: the reader left, nothing went wrong
        _silence_stdout()
        return int(ExitCode.FAILURE)  # as Python's docs advise: no message, not success either
    except Exception as exc:
        if is_user_error(exc):
            if debug_enabled():
                traceback.print_exc()
            print(f"teleprivacy: error: {_message(exc)}", file=sys.stderr)
            return int(ExitCode.BAD_INPUT)
        if debug_enabled():
            traceback.print_exc()
        # The type only: an unexpected message could quote data.
        print(
            f"teleprivacy: unexpected {type(exc).__name__}; rerun with --debug for the traceback",
            file=sys.stderr,
        )
        return int(ExitCode.FAILURE)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _run_supervised(args: argparse.Namespace) -> int:
    """A run or demo forked from the local Prefect server's warm runner when one is ready
    (flows/warm_runner.py: Prefect is imported there already); otherwise, and for `serve`, a
    supervised child process."""
    if args.command in WARM_COMMANDS:
        from flows.local_server import run_warm

        configure_environment(_state_dir(args.out))  # where the server's state is (s3:// too)
        code = run_warm(sys.argv[1:])
        if code is not None:
            return code
    return supervise(sys.argv[1:])


def _message(exc: BaseException) -> str:
    """Our own errors' messages as written (a configuration error may list several problems
    on separate lines); a file-system error as one line."""
    return str(exc) if isinstance(exc, _user_errors()) else describe_error(exc)


if __name__ == "__main__":
    # A supervised command's child (`supervise`): once it is done, nothing is left to tear down.
    from flows.environment import skip_module_teardown

    set_status = skip_module_teardown()
    status = main()
    set_status(status)
    sys.exit(status)
