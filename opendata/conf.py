"""The open-data settings, with their defaults. Only OCDS_PREFIX is in config/settings; the others are
optional there."""

from django.conf import settings

PLACEHOLDER_PREFIX = "ocds-kyoso0"


def ocid_prefix() -> str:
    """The ocid prefix the Open Contracting Partnership assigned to this publisher ("ocds-" + 6 characters)."""
    return getattr(settings, "OCDS_PREFIX", PLACEHOLDER_PREFIX)


def public_base_url() -> str:
    """Where the public reaches this Kyoso: uploaded documents' URLs in stored releases start with it
    (a stored release cannot take the host from the request that happens to read it)."""
    return getattr(settings, "KYOSO_PUBLIC_BASE_URL", "http://127.0.0.1:8000")


def publisher_name() -> str:
    return getattr(settings, "OCDS_PUBLISHER_NAME", "Kyoso")


def publication_policy() -> str | None:
    """URL of the publication policy, if the deployment has one."""
    return getattr(settings, "OCDS_PUBLICATION_POLICY_URL", None) or None
