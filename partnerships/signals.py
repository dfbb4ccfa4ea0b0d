"""Events the partnerships app announces to the apps above it.

partnerships sits below agreements and may not import it, yet an organization's name is public data
of every published agreement it is a party to (the API's parties, the files, the OCDS releases). So
``organization_save`` announces the change, inside its transaction, and agreements records the public
change of those agreements (agreements.publicity). A service sends it explicitly, once per write — not
a model signal that fires on every save from anywhere.
"""

from django.dispatch import Signal

# Sent by partnerships.services.organization_save with organization=<the saved Organization>.
organization_changed = Signal()
