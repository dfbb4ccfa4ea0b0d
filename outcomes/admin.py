"""Service outcomes in the admin: not registered yet.

The admin's rules (partnerships/admin_scoping.py) need every registered model scoped to its
municipality, and tests/admin pins the officers' sidebar to agreements and partnerships and checks
every admin page in Japanese; registering Procedure, MunicipalProcedure and ClosedDay (and Case,
read-only) comes with those tests and the translations, in a later slice of issue 15. Writes go through
``outcomes.services`` meanwhile (the commands ``load_procedures`` and ``import_cases``).
"""
