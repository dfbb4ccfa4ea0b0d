"""A deployment check: real OCDS data needs the publisher's own ocid prefix."""

import re

from django.core import checks

from . import conf

PREFIX_PATTERN = re.compile(r"^ocds-[a-z0-9]{6}$")


def check_ocid_prefix(app_configs=None, **kwargs):
    prefix = conf.ocid_prefix()
    if prefix == conf.PLACEHOLDER_PREFIX:
        return [
            checks.Warning(
                f"OCDS_PREFIX is the placeholder {prefix!r}: ocids published with it are not globally unique.",
                hint="Register a prefix with the Open Contracting Partnership and set KYOSO_OCDS_PREFIX.",
                id="opendata.W001",
            )
        ]
    if not PREFIX_PATTERN.fullmatch(prefix):
        return [
            checks.Warning(
                f"OCDS_PREFIX {prefix!r} does not look like an OCP-assigned prefix ('ocds-' + 6 characters).",
                hint="Set KYOSO_OCDS_PREFIX to the prefix the Open Contracting Partnership assigned.",
                id="opendata.W002",
            )
        ]
    return []


def register():
    checks.register(check_ocid_prefix, checks.Tags.compatibility, deploy=True)
