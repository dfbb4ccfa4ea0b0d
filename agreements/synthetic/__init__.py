"""Synthetic national-scale data (``manage.py seed_scale``): the rows, written with COPY."""
