"""Command and response APDUs, status words, and the link that sends them."""
