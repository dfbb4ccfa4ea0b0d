"""The publication policy page (/publication-policy/): what Kyoso publishes as open data and OCDS, when,
under which licence, how withdrawn information appears, the identifier schemes, and whom to contact.
OCDS packages name it in ``publicationPolicy``."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import conf
from .ocds import JCN_SCHEME, LICENSE_URL, local_org_scheme
from .ocds.standard import METRICS_EXTENSION_URL, extension_urls


@require_safe
def publication_policy(request):
    prefix = conf.ocid_prefix()
    context = {
        "publisher": conf.publisher(),
        "ocid_prefix": prefix,
        "jcn_scheme": JCN_SCHEME,
        "local_scheme": local_org_scheme(prefix),
        "license_url": LICENSE_URL,
        "extensions": extension_urls(conf.schema_base_url()),
        "metrics_url": METRICS_EXTENSION_URL,
        "schema_url": conf.schema_base_url(),
        "contact_email": conf.contact_email(),
    }
    return render(request, "opendata/publication_policy.html", context)
