"""`esimctl`: the root command, its global options, and the one place errors become exit codes."""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from esimctl import __version__
from esimctl.cli.context import Options
from esimctl.cli.output import emit_json_error
from esimctl.errors import EsimctlError, ExitCode


def _aid(ctx: click.Context, param: click.Parameter, value: str | None) -> bytes | None:
    if value is None:
        return None
    try:
        aid = bytes.fromhex(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not hex") from None
    if not 5 <= len(aid) <= 16:
        raise click.BadParameter(f"an AID has 5 to 16 bytes, {value!r} has {len(aid)}")
    return aid


# Each group's module loads only when that group runs, so `esimctl --help` and the card commands
# do not pay for the plan catalogue's import; the help lines are kept here for the same reason.
SUBCOMMANDS = {
    "chip": ("esimctl.cli.chip", "Read the eUICC: EID, EUICCInfo, addresses, RAT; memory reset."),
    "notification": ("esimctl.cli.notification", "Pending notifications."),
    "plans": ("esimctl.cli.plans", "Japanese eSIM plans and what a household can share."),
    "profile": ("esimctl.cli.profile", "List, enable, disable, switch, delete and rename profiles."),
    "reader": ("esimctl.cli.reader", "PC/SC readers."),
    "sim": ("esimctl.cli.sim", "The simulated eUICC: restore it, or serve it through vpcd."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        command = getattr(importlib.import_module(SUBCOMMANDS[name][0]), name)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, SUBCOMMANDS[name][1]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="esimctl")
@click.option("--reader", "-r", envvar="ESIMCTL_READER", metavar="READER",
              help="PC/SC reader index or name substring, or `sim[:CARDFILE]` for a simulated card "
                   "[env ESIMCTL_READER; default: the only reader with a card, else the built-in sim]")
@click.option("--isdr-aid", callback=_aid, metavar="HEX",
              help="ISD-R AID (default: the GSMA one, then known vendor AIDs)")
@click.option("--mss", type=click.IntRange(6, 255), default=120, show_default=True,
              help="largest STORE DATA block in bytes; try 63 if a card answers 6601")
@click.option("--json", "as_json", is_flag=True, help="one JSON document on stdout (errors as JSON on stderr)")
@click.option("-v", "--trace", is_flag=True, help="print every APDU in hex on stderr")
@click.pass_context
def cli(ctx: click.Context, reader: str | None, isdr_aid: bytes | None, mss: int, as_json: bool,
        trace: bool) -> None:
    """Manage the eSIM profiles on an eUICC through a PC/SC reader or a simulated card,
    and find which Japanese plans let a household share."""
    ctx.obj = Options(reader=reader, isdr_aid=isdr_aid, mss=mss, json=as_json, trace=trace)


_VALUE_OPTIONS = {"--reader", "-r", "--isdr-aid", "--mss"}  # root options whose value is the next word


def _command_name(argv: list[str]) -> str:
    """`profile delete` from `--reader sim --json profile delete --yes X`, for JSON errors."""
    words, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    return " ".join(words[:2])


class AbortedError(EsimctlError):
    exit_code = ExitCode.ABORTED
    code = "aborted"


def _printable(text: str | None) -> str | None:
    """Command-line bytes that were not UTF-8 (file names) must not break the error message."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if text else text


def _fail(opts: Options | None, argv: list[str], err: EsimctlError) -> int:
    code = int(err.exit_code)
    err.message, err.hint = _printable(err.message) or "", _printable(err.hint)
    if opts is not None and opts.json:
        emit_json_error(_command_name(argv), {"code": err.code, "message": err.message, "hint": err.hint,
                                              "exitCode": code, **err.details()})
    else:
        click.echo(f"esimctl: error: {err.message}", err=True)
        if err.hint:
            click.echo(f"hint: {err.hint}", err=True)
    return code


def run(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    contexts: list[click.Context] = []

    def opts() -> Options | None:  # set by the root command's callback, once options parsed
        return contexts[0].obj if contexts else None

    try:
        with cli.make_context("esimctl", list(argv)) as ctx:
            contexts.append(ctx)
            cli.invoke(ctx)
        return 0
    except click.exceptions.Exit as exc:  # --help, --version
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("", err=True)  # end the unanswered question's line
        return _fail(opts(), argv, AbortedError("aborted; nothing was changed",
                                                hint="pass --yes to skip the question"))
    except click.ClickException as exc:
        as_json = "--json" in argv
        if as_json:
            emit_json_error(_command_name(argv), {"code": "usage", "message": exc.format_message(),
                                                  "hint": None, "exitCode": int(ExitCode.USAGE)})
        else:
            exc.show()
        return int(ExitCode.USAGE)
    except EsimctlError as err:
        return _fail(opts(), argv, err)
    except KeyboardInterrupt:
        click.echo("esimctl: interrupted", err=True)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("ESIMCTL_DEBUG"):
            traceback.print_exc()
        return _fail(opts(), argv, EsimctlError(
            f"internal error: {type(exc).__name__}: {exc}",
            hint="this is a bug in esimctl; rerun with ESIMCTL_DEBUG=1 for the traceback and report it"))


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
