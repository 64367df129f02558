"""Named values of SGP.22 (v2.x) INTEGER types."""

from enum import IntEnum


class ProfileState(IntEnum):
    disabled = 0
    enabled = 1


class ProfileClass(IntEnum):
    test = 0
    provisioning = 1
    operational = 2


class IconType(IntEnum):
    jpg = 0
    png = 1


class EuiccCategory(IntEnum):
    other = 0
    basicEuicc = 1
    mediumEuicc = 2
    contactlessEuicc = 3


NOTIFICATION_EVENTS = ("notificationInstall", "notificationEnable", "notificationDisable", "notificationDelete")
PPR_IDS = ("pprUpdateControl", "ppr1", "ppr2")
PPR_MEANING = {
    "pprUpdateControl": "updating the profile's PPRs needs the operator's consent",
    "ppr1": "disabling this profile is not allowed",
    "ppr2": "deleting this profile is not allowed",
}
MEMORY_RESET_OPTIONS = (
    "deleteOperationalProfiles",
    "deleteFieldLoadedTestProfiles",
    "resetDefaultSmdpAddress",
    "deletePreLoadedTestProfiles",
    "deleteProvisioningProfiles",
)
UICC_CAPABILITY = (
    "contactlessSupport", "usimSupport", "isimSupport", "csimSupport", "akaMilenage", "akaCave",
    "akaTuak128", "akaTuak256", "rfu1", "rfu2", "gbaAuthenUsim", "gbaAuthenISim", "mbmsAuthenUsim",
    "eapClient", "javacard", "multos", "multipleUsimSupport", "multipleIsimSupport",
    "multipleCsimSupport", "berTlvFileSupport", "dfLinkSupport", "catTp", "getIdentity",
    "profile-a-x25519", "profile-b-p256", "suciCalculatorApi", "dns-resolution", "scp11ac",
    "scp11c-authorization-mechanism", "s16mode", "eaka", "iotminimal",
)
RSP_CAPABILITY = (
    "additionalProfile", "crlSupport", "rpmSupport", "testProfileSupport",
    "deviceInfoExtensibilitySupport", "serviceSpecificDataSupport",
)
TRE_PROPERTIES = ("isDiscrete", "isIntegrated", "usesRemoteMemory")
