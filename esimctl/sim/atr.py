"""Answer-to-reset bytes for the simulated eUICC (ISO/IEC 7816-3)."""

# Category 0x80, then compact-TLV: card service data, card capabilities (logical channels 0-3,
# assigned by the card), status 9000.
_HISTORICAL = bytes.fromhex("8031E073FE2113829000")


def build_atr(*, t1: bool) -> bytes:
    """TA1 = 0x96 (Fi=512, Di=32); T=0 always, T=1 when `t1`; T=15 global byte TA = 0xC7
    (clock stop either level, classes A, B and C). The TCK checksums T0 onwards."""
    interfaces = [0x96]  # TA1
    if t1:
        interfaces += [0x80, 0x81, 0x1F, 0xC7]  # TD1: T=0, TD2 next; TD2: T=1, TD3 next; TD3: T=15, TA4
    else:
        interfaces += [0x80, 0x1F, 0xC7]  # TD1: T=0, TD2 next; TD2: T=15, TA3
    t0 = 0x90 | len(_HISTORICAL)  # TA1 and TD1 present, K historical bytes
    body = bytes([t0, *interfaces]) + _HISTORICAL
    tck = 0
    for byte in body:
        tck ^= byte
    return bytes([0x3B]) + body + bytes([tck])


ATR_T1 = build_atr(t1=True)
ATR_T0 = build_atr(t1=False)
