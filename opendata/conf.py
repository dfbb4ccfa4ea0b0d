"""The open-data settings, with their defaults. OCDS_PREFIX and KYOSO_PUBLIC_BASE_URL are in
config/settings; the others are optional there (docs/ocds.md, "Settings")."""

from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse

PLACEHOLDER_PREFIX = "ocds-kyoso0"


def ocid_prefix() -> str:
    """The ocid prefix the Open Contracting Partnership assigned to this publisher ("ocds-" + 6 characters)."""
    return getattr(settings, "OCDS_PREFIX", PLACEHOLDER_PREFIX)


def public_base_url() -> str:
    """Where the public reaches this Kyoso: uploaded documents' URLs in stored releases start with it
    (a stored release cannot take the host from the request that happens to read it)."""
    return getattr(settings, "KYOSO_PUBLIC_BASE_URL", "http://127.0.0.1:8000")


def public_url(path: str) -> str:
    """An absolute URL of a path of this Kyoso, for open data (not the host of the request)."""
    return urljoin(public_base_url().rstrip("/") + "/", path.lstrip("/"))


def publisher_name() -> str:
    return getattr(settings, "OCDS_PUBLISHER_NAME", "Kyoso")


def publisher() -> dict:
    """The packages' ``publisher``: its name, and the organization identifier of the body that runs this
    Kyoso (``scheme`` from org-id.guide, e.g. JP-JCN, and ``uid``, e.g. its 法人番号) and its web site,
    when the deployment sets them."""
    fields = {
        "name": publisher_name(),
        "scheme": getattr(settings, "OCDS_PUBLISHER_SCHEME", None),
        "uid": getattr(settings, "OCDS_PUBLISHER_UID", None),
        "uri": getattr(settings, "OCDS_PUBLISHER_URI", None),
    }
    return {key: value for key, value in fields.items() if value}


def publication_policy() -> str:
    """URL of the publication policy: the deployment's own, or Kyoso's page /publication-policy/."""
    custom = getattr(settings, "OCDS_PUBLICATION_POLICY_URL", None)
    return custom or public_url(reverse("portal:publication-policy"))


def contact_email() -> str | None:
    """Where data users write about the open data (shown on the publication policy page)."""
    return getattr(settings, "OCDS_CONTACT_EMAIL", None) or None


def schema_base_url() -> str:
    """The absolute URL of Kyoso's copies of the OCDS schemas and extensions (/api/v1/ocds/schema/)."""
    return public_url(reverse("ocds-schema"))
