"""The detector catalogue (DESIGN.md section 11): one module per detector, named for what it
catches, with the helpers several of them share in `detectors.checks._common`.

Each module registers its detector with `detectors.registry.register`; its messages are in the
catalogue file of the same name (``detectors/catalogue/<module>.toml``).
"""
