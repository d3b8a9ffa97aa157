"""The detector catalogue (DESIGN.md section 11): one module per family of checks.

Each module registers its detectors with `detectors.registry.register`.
"""
