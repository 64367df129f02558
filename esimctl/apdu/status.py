"""ISO/IEC 7816-4 and ETSI TS 102 221 status words, named, each with a readable message."""

from enum import IntEnum


class StatusWord(IntEnum):
    OK = 0x9000
    WRONG_LENGTH = 0x6700
    LOGICAL_CHANNEL_NOT_SUPPORTED = 0x6881
    SECURE_MESSAGING_NOT_SUPPORTED = 0x6882
    COMMAND_CHAINING_NOT_SUPPORTED = 0x6884
    SECURITY_STATUS_NOT_SATISFIED = 0x6982
    CONDITIONS_NOT_SATISFIED = 0x6985
    COMMAND_NOT_ALLOWED = 0x6986
    WRONG_DATA = 0x6A80
    FUNCTION_NOT_SUPPORTED = 0x6A81
    FILE_NOT_FOUND = 0x6A82
    NOT_ENOUGH_MEMORY = 0x6A84
    INCORRECT_P1P2 = 0x6A86
    REFERENCED_DATA_NOT_FOUND = 0x6A88
    WRONG_P1P2 = 0x6B00
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    NO_PRECISE_DIAGNOSIS = 0x6F00
    MEMORY_FAILURE = 0x6581
    SECURITY_CHECKSUM = 0x6601  # seen from removable eUICCs fed STORE DATA blocks that were too large


_MESSAGES = {
    StatusWord.OK: "success",
    StatusWord.WRONG_LENGTH: "wrong length (Lc or Le)",
    StatusWord.LOGICAL_CHANNEL_NOT_SUPPORTED: "logical channel not supported",
    StatusWord.SECURE_MESSAGING_NOT_SUPPORTED: "secure messaging not supported",
    StatusWord.COMMAND_CHAINING_NOT_SUPPORTED: "command chaining not supported",
    StatusWord.SECURITY_STATUS_NOT_SATISFIED: "security status not satisfied",
    StatusWord.CONDITIONS_NOT_SATISFIED: "conditions of use not satisfied (for example a chained command "
                                         "arrived out of order, or the application lost its state)",
    StatusWord.COMMAND_NOT_ALLOWED: "command not allowed (no current EF)",
    StatusWord.WRONG_DATA: "incorrect parameters in the data field (the card could not parse the request)",
    StatusWord.FUNCTION_NOT_SUPPORTED: "function not supported",
    StatusWord.FILE_NOT_FOUND: "file or application not found",
    StatusWord.NOT_ENOUGH_MEMORY: "not enough memory space",
    StatusWord.INCORRECT_P1P2: "incorrect parameters P1-P2",
    StatusWord.REFERENCED_DATA_NOT_FOUND: "referenced data not found",
    StatusWord.WRONG_P1P2: "wrong parameters P1-P2",
    StatusWord.INS_NOT_SUPPORTED: "instruction code not supported",
    StatusWord.CLA_NOT_SUPPORTED: "class not supported",
    StatusWord.NO_PRECISE_DIAGNOSIS: "technical problem, no precise diagnosis",
    StatusWord.MEMORY_FAILURE: "memory failure",
    StatusWord.SECURITY_CHECKSUM: "security-related issue (checksum); try a smaller --mss",
}


def name(sw: int) -> str:
    """The symbolic name of a status word, families included (61xx, 6Cxx, 91xx, ...)."""
    try:
        return StatusWord(sw).name
    except ValueError:
        pass
    sw1, sw2 = sw >> 8, sw & 0xFF
    family = {
        0x61: "BYTES_AVAILABLE", 0x6C: "WRONG_LE", 0x91: "PROACTIVE_COMMAND_PENDING",
        0x92: "OK_AFTER_RETRIES", 0x63: "WARNING_NVM_CHANGED", 0x62: "WARNING_NVM_UNCHANGED",
        0x64: "EXECUTION_ERROR", 0x65: "EXECUTION_ERROR_NVM_CHANGED", 0x66: "SECURITY_ISSUE",
        0x68: "CLA_FUNCTION_NOT_SUPPORTED", 0x69: "COMMAND_NOT_ALLOWED", 0x6A: "WRONG_PARAMETERS",
    }.get(sw1)
    return f"{family}_{sw2:02X}" if family else f"SW_{sw:04X}"


def describe(sw: int) -> str:
    """A readable message for any status word."""
    try:
        return _MESSAGES[StatusWord(sw)]
    except (ValueError, KeyError):
        pass
    sw1, sw2 = sw >> 8, sw & 0xFF
    if sw1 == 0x61:
        return f"{sw2 or 256} response bytes available (GET RESPONSE)"
    if sw1 == 0x6C:
        return f"wrong Le; the card offers {sw2 or 256} bytes"
    if sw1 == 0x91:
        return f"success; a proactive command of {sw2} bytes is pending (e.g. REFRESH)"
    if sw1 == 0x92:
        return f"success after {sw2 & 0x0F} internal retries"
    if sw1 == 0x63 and sw2 & 0xF0 == 0xC0:
        return f"verification failed, {sw2 & 0x0F} retries left"
    return "status word not named by ISO/IEC 7816-4"


def is_success(sw: int) -> bool:
    """9000, and 91xx/92xx, which report success with something pending or after retries."""
    return sw == 0x9000 or sw >> 8 in (0x91, 0x92)
