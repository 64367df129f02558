"""Transports move APDUs to a card and back; nothing above this layer knows which one is in use."""

from esimctl.transport.base import Transport

__all__ = ["Transport"]
