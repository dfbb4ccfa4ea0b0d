"""Kyoso at national scale: the synthetic seed, the benchmark with its baselines, the fault drills.

Nothing here is imported by the product at run time; ``manage.py seed_scale`` is the one entry point
the apps expose (opendata's command over ``agreements.synthetic.seed``). See docs/performance.md and docs/scaling.md.
"""
