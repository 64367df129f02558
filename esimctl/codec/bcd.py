"""ICCID and EID encodings.

An ICCID is stored nibble-swapped (each byte holds digit 2 in its high nibble), padded with F to
20 digits; an EID is 32 digits in plain BCD (the bytes read as hex).
"""

from esimctl.codec.tlv import CodecError


def encode_iccid(iccid: str) -> bytes:
    digits = iccid.upper().rstrip("F")
    if not digits.isascii() or not digits.isdigit() or not 18 <= len(digits) <= 20:
        raise CodecError(f"ICCID {iccid!r} must be 18 to 20 digits")
    padded = digits.ljust(20, "F")
    return bytes(int(padded[i + 1] + padded[i], 16) for i in range(0, 20, 2))


def decode_iccid(raw: bytes) -> str:
    """Decodes a swapped-BCD ICCID, dropping the F padding."""
    digits = "".join(f"{b & 0x0F:X}{b >> 4:X}" for b in raw)
    digits = digits.rstrip("F")
    if not digits.isdigit():
        raise CodecError(f"ICCID bytes {raw.hex().upper()} hold non-digit nibbles")
    return digits


def encode_eid(eid: str) -> bytes:
    if len(eid) != 32 or not eid.isascii() or not eid.isdigit():
        raise CodecError(f"EID {eid!r} must be 32 digits")
    return bytes.fromhex(eid)


def decode_eid(raw: bytes) -> str:
    return raw.hex().upper()


def luhn_ok(number: str) -> bool:
    """The Luhn check of ISO/IEC 7812, which an ICCID's last digit should satisfy."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def encode_plmn(mcc_mnc: str) -> bytes:
    """'440-10' (or '44010') as the 3-byte PLMN of 3GPP TS 24.008: MCC2 MCC1, MNC3 MCC3, MNC2 MNC1.
    An 'E' digit is SGP.22's wildcard (RAT entries: 'EEE-EE' matches any operator)."""
    digits = mcc_mnc.replace("-", "").upper()
    if any(c not in "0123456789E" for c in digits) or len(digits) not in (5, 6):
        raise CodecError(f"MCC-MNC {mcc_mnc!r} must be 3 digits, a dash, and 2 or 3 digits")
    mcc, mnc = digits[:3], digits[3:]
    mnc3 = mnc[2] if len(mnc) == 3 else "F"
    return bytes.fromhex(mcc[1] + mcc[0] + mnc3 + mcc[2] + mnc[1] + mnc[0])


def decode_plmn(raw: bytes) -> str:
    """The 3-byte PLMN as 'MCC-MNC'; a malformed one is shown as hex."""
    if len(raw) != 3:
        return raw.hex().upper()
    h = raw.hex().upper()
    mcc = h[1] + h[0] + h[3]
    mnc = h[5] + h[4] + ("" if h[2] == "F" else h[2])
    if any(c not in "0123456789E" for c in mcc + mnc):
        return h
    return f"{mcc}-{mnc}"
