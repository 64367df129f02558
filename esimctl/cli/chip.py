"""`esimctl chip`: what the eUICC is, its default SM-DP+ address, and memory reset."""

from __future__ import annotations

import click

from esimctl.cli.context import options
from esimctl.cli.output import fields, table
from esimctl.cli.views import bits_text, operator_json, ppr_text, profile_row
from esimctl.errors import UsageError

RESET_FLAGS = {
    "operational": ("deleteOperationalProfiles", "delete operational profiles"),
    "test_profiles": ("deleteFieldLoadedTestProfiles", "delete field-loaded test profiles"),
    "default_address": ("resetDefaultSmdpAddress", "reset the default SM-DP+ address"),
    "preloaded_test": ("deletePreLoadedTestProfiles", "delete pre-loaded test profiles"),
    "provisioning": ("deleteProvisioningProfiles", "delete provisioning profiles"),
}
DEFAULT_RESET = ("operational", "test_profiles", "default_address")


@click.group()
def chip() -> None:
    """Read the eUICC: EID, EUICCInfo, addresses, RAT; memory reset."""


@chip.command("info")
def info() -> None:
    """Show the EID, EUICCInfo2, the configured addresses and the rules authorisation table."""
    opts = options()
    with opts.euicc() as euicc:
        eid = euicc.get_eid()
        info2 = euicc.get_euicc_info2()
        addresses = euicc.get_configured_addresses()
        rat = euicc.get_rat()
        aid = euicc.session.isdr_aid
    data = {
        "eid": eid,
        "isdrAid": aid.hex().upper() if aid else None,
        "euiccInfo2": info2.to_json(),
        "euiccConfiguredAddresses": addresses.to_json(),
        "rat": [{**rule.to_json(), "allowedOperators": [operator_json(o) for o in rule.allowed_operators or []]}
                for rule in rat],
    }
    res = info2.ext_card_resource
    cert = info2.certification_data_object
    pairs = [
        ("EID", eid),
        ("ISD-R AID", data["isdrAid"]),
        ("SGP.22 version (SVN)", info2.svn and f"SGP.22 v{info2.svn}"),
        ("Profile package version", info2.profile_version),
        ("Firmware", info2.euicc_firmware_ver),
        ("Free NVM", res and res.free_non_volatile_memory is not None and f"{res.free_non_volatile_memory} bytes"),
        ("Free VM", res and res.free_volatile_memory is not None and f"{res.free_volatile_memory} bytes"),
        ("Installed applications", res and res.installed_application),
        ("UICC capability", bits_text(info2.uicc_capability)),
        ("RSP capability", bits_text(info2.rsp_capability)),
        ("TS 102 241 version", info2.ts102241_version),
        ("GlobalPlatform version", info2.globalplatform_version),
        ("CI keys (verification)", ", ".join(k.hex().upper() for k in info2.euicc_ci_pkid_list_for_verification or [])),
        ("CI keys (signing)", ", ".join(k.hex().upper() for k in info2.euicc_ci_pkid_list_for_signing or [])),
        ("Category", getattr(info2.euicc_category, "name", info2.euicc_category)),
        ("Forbidden PPRs", bits_text(info2.forbidden_profile_policy_rules)),
        ("PP version", info2.pp_version),
        ("SAS accreditation", info2.sas_acreditation_number),
        ("Platform label", cert and cert.platform_label),
        ("Discovery base URL", cert and cert.discovery_base_url),
        ("Default SM-DP+", addresses.default_dp_address or "(none)"),
        ("Root SM-DS", addresses.root_ds_address),
    ]
    if info2.extra:
        pairs.append(("Other tags", ", ".join(f"{t.tag:X}={t.value.hex().upper()}" for t in info2.extra)))
    for i, rule in enumerate(rat):
        ops = ", ".join(operator_json(o).get("mccMnc", "?") for o in rule.allowed_operators or [])
        flags = " (consent required)" if "consentRequired" in (rule.ppr_flags or ()) else ""
        pairs.append((f"RAT rule {i + 1}", f"{ppr_text(rule.ppr_ids)} allowed for {ops or 'no operator'}{flags}"))
    opts.output("chip info", data, fields([(k, v) for k, v in pairs if v not in (None, False, "")]))


@chip.command("default-dp")
@click.argument("address", required=False)
@click.option("--clear", is_flag=True, help="remove the default SM-DP+ address")
def default_dp(address: str | None, clear: bool) -> None:
    """Show, set or clear the default SM-DP+ ADDRESS."""
    opts = options()
    if address is not None and clear:
        raise click.UsageError("give an ADDRESS or --clear, not both")
    if address is not None and (not address.strip() or any(c.isspace() for c in address)
                                or not address.isascii() or not address.isprintable()):
        raise click.BadParameter(f"{address!r} is not a host name", param_hint="ADDRESS")
    with opts.euicc() as euicc:
        if address is not None or clear:
            euicc.set_default_dp_address(address or "")
        current = euicc.get_configured_addresses()
    data = current.to_json()
    text = f"default SM-DP+: {current.default_dp_address or '(none)'}"
    opts.output("chip default-dp", data, text)


@chip.command("reset")
@click.option("--operational", is_flag=True, help="delete operational profiles")
@click.option("--test-profiles", is_flag=True, help="delete field-loaded test profiles")
@click.option("--default-address", is_flag=True, help="reset the default SM-DP+ address")
@click.option("--preloaded-test", is_flag=True, help="delete pre-loaded test profiles (SGP.22 v3 eUICCs only)")
@click.option("--provisioning", is_flag=True, help="delete provisioning profiles (SGP.22 v3 eUICCs only)")
@click.option("--yes", "-y", is_flag=True, help="do not ask for confirmation")
def reset(yes: bool, **chosen: bool) -> None:
    """eUICC memory reset. With no option: operational and field-loaded test profiles are
    deleted and the default SM-DP+ address is reset. Asks first unless --yes."""
    from esimctl.es10.enums import ProfileClass

    opts = options()
    keys = [k for k, on in chosen.items() if on] or list(DEFAULT_RESET)
    names = [RESET_FLAGS[k][0] for k in keys]
    with opts.euicc() as euicc:
        v3_only = [k for k in ("preloaded_test", "provisioning") if k in keys]
        if v3_only:
            # These bits exist only from SGP.22 v3 on (SGP.32 gives the same positions other
            # meanings), so a v2 card must never receive them.
            svn = euicc.get_euicc_info2().svn or "?"
            if not svn.split(".")[0].isdigit() or int(svn.split(".")[0]) < 3:
                flags = " and ".join("--" + k.replace("_", "-") for k in v3_only)
                raise UsageError(f"{flags} need an SGP.22 v3 eUICC; this card reports SVN {svn}")
        if not yes:
            profiles = euicc.get_profiles_info()
            doomed_classes = {ProfileClass.operational: "operational" in keys,
                              ProfileClass.test: "test_profiles" in keys or "preloaded_test" in keys,
                              ProfileClass.provisioning: "provisioning" in keys}
            doomed = [p for p in profiles if doomed_classes.get(p.profile_class, False)]  # type: ignore[arg-type]
            click.echo("eUICC memory reset will: " + "; ".join(RESET_FLAGS[k][1] for k in keys), err=True)
            if doomed:
                click.echo("Profiles that may be deleted (test profiles: only those of the chosen kind):", err=True)
                click.echo(table(["ICCID", "STATE", "NICKNAME", "PROVIDER", "NAME", "CLASS"],
                                 [profile_row(p) for p in doomed]), err=True)
            click.confirm("This cannot be undone. Continue?", abort=True, err=True)
        euicc.memory_reset(names)
    opts.output("chip reset", {"resetOptions": names}, "memory reset done: " + ", ".join(names))
