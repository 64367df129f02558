"""ISD-R application identifiers: the GSMA's, and those removable-eUICC vendors use instead."""

GSMA_ISDR_AID = bytes.fromhex("A0000005591010FFFFFFFF8900000100")

# Probed, in this order, when the GSMA AID is not found.
VENDOR_ISDR_AIDS: dict[str, bytes] = {
    "eSIM.me": bytes.fromhex("A0000005591010000000008900000300"),
    "5ber": bytes.fromhex("A0000005591010FFFFFFFF8900050500"),
    "Xesim": bytes.fromhex("A0000005591010FFFFFFFF8900000177"),
    "LinksField": bytes.fromhex("A000000559104C696E6B736669656C64"),
}
