"""The cache folder used when no Redis is configured, with a cost per write that stays flat.

Django's FileBasedCache lists the whole folder on every `set()` to decide whether to cull, so
each write costs time in proportion to the entries already stored: 3.5 ms at 3,000 files and
7 ms at 6,000 on the benchmark machine, paid by every page the page cache stores. Here the
folder is counted on one write in `CULL_CHECK_EVERY` (chosen at random, so every process shares
the work without coordinating): the average cost stays a fraction of a millisecond, and the
folder overshoots MAX_ENTRIES by a few hundred files at most before the check comes round.
"""

from __future__ import annotations

import random

from django.core.cache.backends.filebased import FileBasedCache

CULL_CHECK_EVERY = 200


class FileCache(FileBasedCache):
    def _cull(self) -> None:
        if random.randrange(CULL_CHECK_EVERY) == 0:
            super()._cull()
