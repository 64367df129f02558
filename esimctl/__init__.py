"""esimctl: an SGP.22 eUICC profile manager with a simulated eUICC and a Japanese plan catalogue."""

__version__ = "0.1.0"
