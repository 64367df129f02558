"""esimctl: an SGP.22 eUICC profile manager with a simulated eUICC and a Japanese plan catalogue.

    import esimctl
    with esimctl.open_euicc("sim") as euicc:
        print(euicc.get_eid())
"""

from typing import Any

__version__ = "0.1.0"
__all__ = ["Es10Error", "EsimctlError", "open_euicc"]


def __getattr__(name: str) -> Any:
    # Loaded on first use, so that `import esimctl` (and the CLI's start-up) stays cheap.
    if name == "open_euicc":
        from esimctl.readers import open_euicc

        return open_euicc
    if name == "Es10Error":
        from esimctl.es10.results import Es10Error

        return Es10Error
    if name == "EsimctlError":
        from esimctl.errors import EsimctlError

        return EsimctlError
    raise AttributeError(f"module 'esimctl' has no attribute {name!r}")
