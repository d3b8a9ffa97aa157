"""Python's cyclic garbage collector around detection's heavy imports: one policy, one place.

Importing pandas, SciPy, the detectors or scikit-learn makes tens of thousands of objects that
live as long as the process (modules, classes, functions). While they are made the collector's
young collections run hundreds of times and free nothing (146 collections for `monitor
detect`'s own imports; 0.1-0.2 s of CPU for scikit-learn's ~900 modules at Python's threshold of
700), and the first young collection after walks all of them (0.03-0.05 s for scikit-learn's in
`monitor detect`'s fleet stage, 2026-12-06). `collector_paused` runs a block with the collector
off and then puts what exists out of the young generations' reach; `freeze_for_forks` and
`thaw_after_forks` keep forked workers from copying the parent's pages when they collect.

Only the host decides this (the command's own process, the fleet stage's processes): the
detectors stay pure and import lazily (reviewer-J J11). Standard library only, so that the
command module can use it before its own imports. Nothing is imported by
`monitor.detection` itself.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """The block runs with the cyclic collector paused; after it, if the collector was on, every
    object alive is put where young collections do not walk it:

    - ``freeze=True``: frozen for good (`gc.freeze`, the permanent generation): for the process
      that owns its lifetime and forks workers after (`monitor detect`'s own process), so that
      no full collection walks them again and no worker writes to their pages;
    - else into the oldest generation: frozen and thawed at once when nothing else is frozen,
      else into the freeze that exists (`gc.unfreeze` cannot give back one freeze and keep
      another, and leaving them young costs the walk this is for). What the freeze takes in
      that case and only cyclic garbage can keep: the young generations' garbage cycles of
      that moment: the block's own garbage cycles, all still young since the collector was
      paused for the whole block (around an import, at most one young threshold's objects;
      around the fleet stage, 240 objects for the 100-outlet year), once per block; objects
      freed by their reference counts are freed frozen or not.

    The collector is left on or off as it was found; nothing is done after the block when it
    was off (a host that turned it off collects nothing anyway)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            thawed = gc.get_freeze_count() == 0
            gc.freeze()
            if thawed and not freeze:
                gc.unfreeze()
            gc.enable()


def freeze_for_forks() -> bool:
    """Move every object made so far to the collector's permanent generation (`gc.freeze`), so
    that no forked process copies a page of them when it collects. Returns whether the matching
    `thaw_after_forks` gives them back to the collector: not when something froze before (the
    command's imports, frozen for the whole process by `monitor detect`), since `gc.unfreeze`
    cannot tell one freeze from another and would undo that one too."""
    ours = gc.get_freeze_count() == 0
    gc.freeze()
    return ours


def thaw_after_forks(ours: bool) -> None:
    """The end of `freeze_for_forks`: every frozen object back to the collector if that freeze
    was the first (``ours``), else nothing (the earlier freeze, and what this one added, stay)."""
    if ours:
        gc.unfreeze()
