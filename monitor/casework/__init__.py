"""Casework: findings become leads, leads move scores, scores weight the inspection draws.

- `leads`: findings recorded and merged into leads; the lead lifecycle (`act`: assign, inspect,
  confirm, dismiss, close) with its audit trail;
- `scoring`: each enterprise's credit score and colour from its leads and manual entries (rules in
  `scoring_defaults.toml`, overridden by ``[scoring]`` of monitor.toml);
- `inspections`: the reproducible "double random" draw of enterprises and inspectors;
- `staff`: the staff accounts (password hashes, roles, districts) the web page signs in.
"""
