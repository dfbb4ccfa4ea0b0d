"""Fault drills: load, a PostgreSQL restart, a broker outage, a killed worker (bench/drills/run.py)."""
