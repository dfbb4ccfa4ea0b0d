"""Demo data: real municipalities, fictional partners and people, ~30 agreements with their
initiatives, deliverables, KPIs, measurements and reports, and the demo accounts (``load_demo``)."""

from .loader import DEMO_TITLE_PREFIX, DemoPrerequisiteError, DemoReport, demo_agreements, demo_counts, demo_load

__all__ = ["DEMO_TITLE_PREFIX", "DemoPrerequisiteError", "DemoReport", "demo_agreements", "demo_counts", "demo_load"]
