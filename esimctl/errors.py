"""The error hierarchy shared by every layer; each class carries the CLI exit code it maps to.

The codes are documented in README.md ("Exit codes") and are part of the stable interface.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ABORTED = 1  # the user declined a confirmation
    USAGE = 2  # bad arguments or options (click uses 2 as well)
    NO_READER = 3  # no reader, no card, PC/SC service not running
    CARD_REFUSED = 4  # the eUICC answered with an ES10 result code other than ok
    TRANSPORT = 5  # APDU-level failure: status word error, card removed, malformed reply
    DATA = 6  # a file esimctl reads is invalid: card file, state file, catalogue
    INTERNAL = 70  # a bug in esimctl
    INTERRUPTED = 130  # Ctrl-C


class EsimctlError(Exception):
    """Base of every error esimctl raises on purpose; `code` names it in JSON output."""

    exit_code: ExitCode = ExitCode.INTERNAL
    code: str = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def details(self) -> dict[str, object]:
        """Extra machine-readable fields for the JSON error document."""
        return {}


class UsageError(EsimctlError):
    exit_code = ExitCode.USAGE
    code = "usage"


class NoReaderError(EsimctlError):
    exit_code = ExitCode.NO_READER
    code = "no-reader"


class PcscUnavailableError(NoReaderError):
    """No PC/SC at all here: pyscard missing, pcscd not running, or no reader attached. Only this
    (never a reader without a card, or a busy one) lets the CLI fall back to the simulated card."""


class TransportError(EsimctlError):
    exit_code = ExitCode.TRANSPORT
    code = "transport"


class DataError(EsimctlError):
    exit_code = ExitCode.DATA
    code = "data"
