"""The scheduler's disk queue (SCHEDULER_DISK_QUEUE): Scrapy's PickleLifoDiskQueue, cheaper per request.

Every request of a crawl passes through the disk queue (crawler.runner gives each crawl a JOBDIR, so
memory does not grow with the pending requests). Scrapy's own queue serialises a request with
``Request.to_dict(spider=…)``, which names the callback and errback by ``inspect.getmembers`` over the
whole spider, reading every property of it, twice per request (about a tenth of a millisecond), and
pickles the ``Site`` in the request's ``cb_kwargs`` whole, so that each request popped carries a copy
of its site. This queue names a callback by its own ``__name__`` (checked against the spider, with
Scrapy's lookup as the fallback) and stores a ``Site`` of the spider given as a callback keyword
argument by its id, restored as the spider's own object; the rest is pickled by the C pickler
without hooks. The order (last in, first out, per priority), the file layout (queuelib's
LifoDiskQueue) and ``request_from_dict`` on the way back are Scrapy's.

Two costs of queuelib's LifoDiskQueue are not paid per request. Its ``pop`` truncates the file after
each record (a flush, seeks and an ``ftruncate`` on the file system: about half of what a request cost
in the queue); here the file's logical end is kept in memory, records are read and written with
``pread``/``pwrite`` at it, and the file is cut to it once, when the queue closes. And the newest
``MEMORY_REQUESTS`` requests stay in memory as they are (with their pickled form, so that a request
that cannot be stored is still refused at ``push``, as Scrapy's disk queues refuse it): in last in,
first out order most requests are taken again soon after they are queued, and need neither the disk
nor a rebuild by ``request_from_dict``. When more are queued, the oldest of them go to the file in
one write; the memory held stays bounded whatever the size of the crawl.
"""
from __future__ import annotations

import os
import pickle
import struct
from pathlib import Path

from queuelib.queue import LifoDiskQueue
from scrapy import Request
from scrapy.utils.request import request_from_dict

from crawler.sites import Site


def _method_name(spider, func) -> str | None:
    """The name of the spider's method ``func`` (a callback or errback), as Scrapy's ``to_dict`` names it."""
    if func is None or not callable(func):
        return func
    name = getattr(func, "__name__", None)
    if name and getattr(func, "__self__", None) is spider and getattr(spider, name, None) == func:
        return name
    from scrapy.http.request import _find_method   # not a plain method of the spider: Scrapy's search
    return _find_method(spider, func)


class SpiderLifoDiskQueue(LifoDiskQueue):
    """Requests last in, first out, on disk (see the module docstring)."""

    MEMORY_REQUESTS = 256    # the newest requests, kept in memory (about 1 MB at most per priority)
    SPILL = MEMORY_REQUESTS // 2

    def __init__(self, crawler, key: str):
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(key)   # opens (or resumes) the file and reads its count of records
        self.fd = self.f.fileno()
        self.f.flush()
        self.end = os.fstat(self.fd).st_size   # the records on disk end here; bytes beyond are stale
        self.on_disk = self.size
        self.top: list[tuple] = []              # (request, pickled) of the newest requests, oldest first
        self.spider = crawler.spider
        self.sites = {site.id: site for site in getattr(self.spider, "sites", None) or ()}

    @classmethod
    def from_crawler(cls, crawler, key: str, *args, **kwargs):
        return cls(crawler, key)

    def _dumps(self, request) -> bytes:
        spider = self.spider
        # Request.to_dict(), with the callbacks named as above: to_dict(spider=…) would search the
        # spider for them, and to_dict() on a copy without them costs a replace() per request.
        data = {"url": request.url, "callback": _method_name(spider, request.callback),
                "errback": _method_name(spider, request.errback), "headers": dict(request.headers)}
        for attr in request.attributes:
            data.setdefault(attr, getattr(request, attr))
        if type(request) is not Request:
            data["_class"] = f"{type(request).__module__}.{type(request).__name__}"
        # The spider's own sites among the callback's keyword arguments go by id (a persistent_id
        # hook would cost a Python call per object pickled; the spider puts a Site only there).
        kwargs = data["cb_kwargs"]
        sites = {k: v.id for k, v in kwargs.items() if type(v) is Site and self.sites.get(v.id) is v}
        if sites:
            data["cb_kwargs"] = {k: v for k, v in kwargs.items() if k not in sites}
        try:
            return pickle.dumps((sites, data), protocol=4)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            # Scrapy's scheduler keeps such a request in memory instead (as with its own disk queues).
            raise ValueError(str(exc)) from exc

    def _loads(self, raw: bytes):
        sites, data = pickle.loads(raw)
        if sites:
            try:
                data["cb_kwargs"].update({k: self.sites[site_id] for k, site_id in sites.items()})
            except KeyError as exc:
                raise pickle.UnpicklingError(f"queued request of a site not in this crawl: {exc.args[0]}") from None
        return request_from_dict(data, spider=self.spider)

    def _spill(self, count: int) -> None:
        """Write the ``count`` oldest requests held in memory to the end of the file, in one write."""
        pack = struct.Struct(self.SIZE_FORMAT).pack
        blob = b"".join(raw + pack(len(raw)) for _, raw in self.top[:count])
        os.pwrite(self.fd, blob, self.end)
        self.end += len(blob)
        self.on_disk += count
        del self.top[:count]

    def _read_last(self, remove: bool) -> bytes:
        (length,) = struct.unpack(self.SIZE_FORMAT, os.pread(self.fd, self.SIZE_SIZE, self.end - self.SIZE_SIZE))
        start = self.end - self.SIZE_SIZE - length
        raw = os.pread(self.fd, length, start)
        if remove:
            self.end, self.on_disk = start, self.on_disk - 1
        return raw

    def push(self, request) -> None:
        self.top.append((request, self._dumps(request)))
        self.size += 1
        if len(self.top) > self.MEMORY_REQUESTS:
            self._spill(self.SPILL)

    def pop(self):
        if self.top:
            self.size -= 1
            return self.top.pop()[0]
        if not self.on_disk:
            return None
        self.size -= 1
        return self._loads(self._read_last(remove=True))

    def peek(self):
        if self.top:
            return self.top[-1][0]
        return self._loads(self._read_last(remove=False)) if self.on_disk else None

    def clear(self) -> None:
        self.top.clear()
        self.size = self.on_disk = 0
        self.end = self.SIZE_SIZE
        os.ftruncate(self.fd, self.end)

    def close(self) -> None:
        # What is still queued is left as queuelib's LifoDiskQueue leaves it (a job directory can be
        # resumed): the records in order, the file cut at the last one, their count in its header.
        if self.top:
            self._spill(len(self.top))
        os.ftruncate(self.fd, self.end)
        os.pwrite(self.fd, struct.pack(self.SIZE_FORMAT, self.size), 0)
        self.f.close()
        if not self.size:
            Path(self.path).unlink()
