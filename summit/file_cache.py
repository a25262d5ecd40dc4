"""The cache folder used when no Redis is configured, with a cost per write that stays flat.

Django's FileBasedCache lists the whole folder on every `set()` to decide whether to cull, so
each write costs time in proportion to the entries already stored: 3.5 ms at 3,000 files and
7 ms at 6,000 on the benchmark machine, paid by every page the page cache stores. Here the
folder is counted on one write in `CULL_CHECK_EVERY` (chosen at random, so every process shares
the work without coordinating): the average cost stays a fraction of a millisecond, and the
folder overshoots MAX_ENTRIES by a few hundred files at most before the check comes round.

Entries are stored as plain pickles, as the Redis cache stores them, where Django's file cache
compresses each with zlib. Serving a stored page is mostly reading it back, and decompressing
was half of that: a country's page (70 KB with its map) took 1.03 ms to serve from the cache
and takes 0.47 ms uncompressed (an article's, 0.52 and 0.39; issue #12). The price is disk: a
stored page takes its own size, 30 to 70 KB, so a full folder (MAX_ENTRIES) holds a few hundred
megabytes. Compressed entries, which earlier versions and Django's own file cache wrote, are
still read: a pickle begins with its protocol's opcode, never with zlib's header.
"""

from __future__ import annotations

import pickle
import random
import zlib
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks

CULL_CHECK_EVERY = 200
# The first byte of a pickle of protocol 2 or later (the PROTO opcode).
PICKLE_START = pickle.PROTO


class FileCache(FileBasedCache):
    def _cull(self) -> None:
        if random.randrange(CULL_CHECK_EVERY) == 0:
            super()._cull()

    def _write_content(self, file, timeout, value) -> None:
        # Django's, without the compression.
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        # Django's, reading plain and compressed entries alike.
        fname = self._key_to_file(key, version)
        try:
            with open(fname, "rb") as f:
                if not self._is_expired(f):
                    return _loads(f.read())
        except FileNotFoundError:
            pass
        return default

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        # Django's, reading plain and compressed entries alike, and cutting the file where the
        # rewritten entry ends: what it replaces may have been longer (a longer expiry).
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                try:
                    locks.lock(f, locks.LOCK_EX)
                    if self._is_expired(f):
                        return False
                    previous_value = _loads(f.read())
                    f.seek(0)
                    self._write_content(f, timeout, previous_value)
                    f.truncate()
                    return True
                finally:
                    locks.unlock(f)
        except FileNotFoundError:
            return False


def _loads(data: bytes) -> Any:
    if data[:1] != PICKLE_START:
        data = zlib.decompress(data)
    return pickle.loads(data)
