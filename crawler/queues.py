"""The scheduler's disk queue (SCHEDULER_DISK_QUEUE): Scrapy's PickleLifoDiskQueue, cheaper per request.

Every request of a crawl passes through the disk queue (crawler.runner gives each crawl a JOBDIR, so
memory does not grow with the pending requests). Scrapy's own queue serialises a request with
``Request.to_dict(spider=…)``, which names the callback and errback by ``inspect.getmembers`` over the
whole spider, reading every property of it, twice per request (about a tenth of a millisecond), and
pickles the ``Site`` in the request's ``cb_kwargs`` whole, so that each request popped carries a copy
of its site. This queue names a callback by its own ``__name__`` (checked against the spider, with
Scrapy's lookup as the fallback) and stores a ``Site`` of the spider by its id, restored as the
spider's own object. The order (last in, first out, per priority), the file layout (queuelib's
LifoDiskQueue) and ``request_from_dict`` on the way back are Scrapy's.
"""
from __future__ import annotations

import io
import pickle
from pathlib import Path

from queuelib.queue import LifoDiskQueue
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


class _Pickler(pickle.Pickler):
    def __init__(self, file, sites: dict):
        super().__init__(file, protocol=4)
        self.sites = sites

    def persistent_id(self, obj):
        if type(obj) is Site and self.sites.get(obj.id) is obj:
            return obj.id
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, sites: dict):
        super().__init__(file)
        self.sites = sites

    def persistent_load(self, pid):
        try:
            return self.sites[pid]
        except KeyError:
            raise pickle.UnpicklingError(f"queued request of a site not in this crawl: {pid}") from None


class SpiderLifoDiskQueue(LifoDiskQueue):
    """Requests last in, first out, on disk (see the module docstring)."""

    def __init__(self, crawler, key: str):
        Path(key).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(key)
        self.spider = crawler.spider
        self.sites = {site.id: site for site in getattr(self.spider, "sites", None) or ()}

    @classmethod
    def from_crawler(cls, crawler, key: str, *args, **kwargs):
        return cls(crawler, key)

    def _dumps(self, request) -> bytes:
        spider = self.spider
        callback, errback = request.callback, request.errback
        data = request.replace(callback=None, errback=None).to_dict()
        data["callback"], data["errback"] = _method_name(spider, callback), _method_name(spider, errback)
        out = io.BytesIO()
        try:
            _Pickler(out, self.sites).dump(data)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            # Scrapy's scheduler keeps such a request in memory instead (as with its own disk queues).
            raise ValueError(str(exc)) from exc
        return out.getvalue()

    def _loads(self, data: bytes):
        return request_from_dict(_Unpickler(io.BytesIO(data), self.sites).load(), spider=self.spider)

    def push(self, request) -> None:
        super().push(self._dumps(request))

    def pop(self):
        data = super().pop()
        return self._loads(data) if data else None

    def peek(self):
        data = super().peek()
        return self._loads(data) if data else None
