"""Result codes of each ES10 function (SGP.22 v2.x), and the typed error that carries one."""

from enum import IntEnum

from esimctl.errors import EsimctlError, ExitCode


class EnableResult(IntEnum):
    ok = 0
    iccidOrAidNotFound = 1
    profileNotInDisabledState = 2
    disallowedByPolicy = 3
    wrongProfileReenabling = 4
    catBusy = 5
    undefinedError = 127


class DisableResult(IntEnum):
    ok = 0
    iccidOrAidNotFound = 1
    profileNotInEnabledState = 2
    disallowedByPolicy = 3
    catBusy = 5
    undefinedError = 127


class DeleteResult(IntEnum):
    ok = 0
    iccidOrAidNotFound = 1
    profileNotInDisabledState = 2
    disallowedByPolicy = 3
    undefinedError = 127


class MemoryResetResult(IntEnum):
    ok = 0
    nothingToDelete = 1
    catBusy = 5
    undefinedError = 127


class SetNicknameResult(IntEnum):
    ok = 0
    iccidNotFound = 1
    undefinedError = 127


class SetDefaultDpAddressResult(IntEnum):
    ok = 0
    undefinedError = 127


class ProfileInfoListError(IntEnum):
    incorrectInputValues = 1
    undefinedError = 127


class ListNotificationError(IntEnum):
    undefinedError = 127


class RemoveNotificationResult(IntEnum):
    ok = 0
    nothingToDelete = 1
    undefinedError = 127


EXPLANATIONS = {
    "iccidOrAidNotFound": "no profile on the card has that ICCID or ISD-P AID",
    "iccidNotFound": "no profile on the card has that ICCID",
    "profileNotInDisabledState": "the profile is enabled; disable it (or enable another) first",
    "profileNotInEnabledState": "the profile is not enabled",
    "disallowedByPolicy": "a profile policy rule (PPR) forbids this",
    "wrongProfileReenabling": "the card refuses to re-enable this profile now",
    "catBusy": "the card's toolkit is busy; a card reset and a retry usually help",
    "nothingToDelete": "nothing matched the request",
    "incorrectInputValues": "the card rejected the request's search criteria",
    "undefinedError": "the card reported an unspecified error",
}


class Es10Error(EsimctlError):
    """The eUICC answered an ES10 function with a result other than ok."""

    exit_code = ExitCode.CARD_REFUSED
    code = "card-refused"

    def __init__(self, function: str, result: IntEnum | int) -> None:
        self.function = function
        self.result = result
        self.result_name = result.name if isinstance(result, IntEnum) else "unknownResult"
        why = EXPLANATIONS.get(self.result_name, "a result code SGP.22 v2 does not name")
        super().__init__(f"{function} refused: {self.result_name} ({int(result)}): {why}")

    def details(self) -> dict[str, object]:
        return {"function": self.function, "result": self.result_name, "resultCode": int(self.result)}
