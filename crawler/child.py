"""The crawl process ``crawler.runner`` starts: Scrapy's command line, forked from a fork server.

A crawl runs in a process of its own (Scrapy's reactor cannot restart), and starting Python and
importing Scrapy, Twisted, lxml and the crawler cost a fresh process well over a CPU-second, more
than a small crawl itself. So the runner starts each crawl from multiprocessing's fork server, which
imports this module once (its preload): a crawl is a fork of a process that has everything imported
and has not started anything (no reactor installed, no thread, nothing open). ``run`` is what the
forked process runs; it must set up everything a fresh ``scrapy crawl`` process would have had:

- its own session, so a terminal's Ctrl-C or a process-group kill reaches only the runner, which
  forwards it (SIGINT: Scrapy closes the run as 'interrupted');
- the runner's current environment (the server has the one of its start) and its log file as
  stdout and stderr: a traceback in the child stays in the log; its working directory is the
  runner's current one already (multiprocessing's preparation data);
- the store's run lock, passed as a descriptor (crawler.runner.Fd): held until the process ends;
- the life of the runner: when the runner dies without forwarding anything (``kill -9``, the OOM
  killer) the crawl must not go on, orphaned, holding the lock. multiprocessing gives the child a
  pipe the runner holds open (``parent_process().sentinel``); a thread waits on it and sends SIGTERM
  when it closes, which makes Scrapy stop gracefully and close the run as 'interrupted' (once: a
  second SIGTERM makes Scrapy stop at once, uncleanly; it comes only if the first did not end the
  crawl within a minute);
- no reliance on atexit: a multiprocessing child ends with ``os._exit``. Scrapy's own shutdown
  closes the store, the WARC archive and the disk queue; log handlers write through.

The fork server itself runs in a session of its own too, so that a signal to the runner's process
group (``timeout``, a terminal's hang-up, a Celery worker's stop) does not kill it under a running
crawl; it ends when the process that started it ends (multiprocessing's "alive" pipe).
"""
from __future__ import annotations

import os
import resource
import signal
import sys
import threading
from multiprocessing import parent_process

import scrapy.cmdline
from scrapy.settings import Settings
from scrapy.utils.misc import load_object, walk_modules_iter

import crawler.settings
import crawler.spiders.portal  # noqa: F401
from crawler.runner import SERVER_ENV, Fd

WATCH_GRACE_SECONDS = 60
# Scrapy's settings naming the classes a crawl loads, besides its component dicts.
CLASS_SETTINGS = ("DNS_RESOLVER", "DOWNLOADER", "DUPEFILTER_CLASS",
                  "ITEM_PROCESSOR", "LOG_FORMATTER", "REFERRER_POLICY", "REQUEST_FINGERPRINTER_CLASS",
                  "ROBOTSTXT_PARSER", "SCHEDULER", "SCHEDULER_DISK_QUEUE", "SCHEDULER_MEMORY_QUEUE",
                  "SCHEDULER_PRIORITY_QUEUE", "SCHEDULER_START_DISK_QUEUE", "SCHEDULER_START_MEMORY_QUEUE",
                  "SPIDER_LOADER_CLASS", "STATS_CLASS")
COMPONENT_SETTINGS = ("DOWNLOAD_HANDLERS", "DOWNLOADER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES",
                      "SPIDER_MIDDLEWARES")


def _import_what_a_crawl_imports() -> None:
    """Import the code every crawl runs, here once instead of in every crawl: Scrapy's commands (its
    command line imports them all) and the classes the crawler's settings name. Importing installs
    no Twisted reactor (Scrapy installs the asyncio one when the crawl starts: ``run`` checks)."""
    for _ in walk_modules_iter("scrapy.commands"):
        pass
    settings = Settings()
    settings.setmodule(crawler.settings, priority="project")
    paths = [settings[name] for name in CLASS_SETTINGS]
    for name in COMPONENT_SETTINGS:   # {path: order}, or {scheme: path} for the download handlers
        paths += [item for pair in settings.getwithbase(name).items() for item in pair]
    for path in paths:
        if isinstance(path, str) and "." in path:
            load_object(path)


_import_what_a_crawl_imports()

if os.environ.get(SERVER_ENV) == str(os.getppid()):
    # Imported as the preload of the fork server the runner is starting: a session of its own.
    del os.environ[SERVER_ENV]
    os.setsid()


def _watch_runner():
    """SIGTERM to this process when the runner that started it ends (its sentinel pipe closes).
    Returns what ends the watch: the thread must be gone before the process ends, or the process
    (its main thread gone, shown as a zombie) would hold the run lock a moment longer than it seems to."""
    from multiprocessing.connection import wait
    sentinel = parent_process().sentinel
    done_r, done_w = os.pipe()

    def watch():
        if done_r in wait([sentinel, done_r]):
            return
        os.kill(os.getpid(), signal.SIGTERM)
        if not wait([done_r], WATCH_GRACE_SECONDS):
            os.kill(os.getpid(), signal.SIGTERM)   # the graceful stop took too long: stop at once

    thread = threading.Thread(target=watch, name="zwgk-runner-watch", daemon=True)
    thread.start()

    def stop():
        os.write(done_w, b".")
        thread.join()

    return stop


def run(argv: list[str], env: dict[str, str], log: Fd, lock: Fd | None, report) -> None:
    """The crawl process: ``scrapy`` with ``argv``; sends its own CPU seconds to ``report`` (a
    Connection) at the end: the runner cannot count them (the fork server, not the runner, reaps it)."""
    os.setsid()
    os.dup2(log.fd, 1)
    os.dup2(log.fd, 2)
    os.close(log.fd)
    os.environ.clear()
    os.environ.update(env)
    stop_watching = _watch_runner()
    del lock   # its descriptor stays open, holding the run lock, until this process ends
    try:
        if "twisted.internet.reactor" in sys.modules:
            sys.exit("crawl not started: the fork server has a Twisted reactor installed")
        scrapy.cmdline.execute(["scrapy", *argv])
    finally:
        stop_watching()
        sys.stdout.flush()
        sys.stderr.flush()
        usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        try:
            report.send(sum(u.ru_utime + u.ru_stime for u in usage))
        except OSError:
            pass   # the runner is gone
