"""Reports that read several apps at once (agreements, outcomes, proposals) and are shown by more than one
of the pages, the API and the files: between those apps and the apps that show them (scripts/import_graph.py
LAYERS: rank 7.5). Not a Django app: no models."""
