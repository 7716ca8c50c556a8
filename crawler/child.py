"""The crawl process ``crawler.runner`` starts: Scrapy's command line, tied to the life of its parent.

    python -m crawler.child crawl portal -a sites=... (the arguments of ``scrapy``)

The child runs in its own session, so a terminal's Ctrl-C or a process-group kill reaches only the
parent, which forwards it. When the parent itself dies without forwarding anything (``kill -9``,
the OOM killer, ``timeout`` without a handler) the child must not crawl on, orphaned, holding the
store's lock: it asks the kernel for SIGTERM when its parent dies (Linux ``PR_SET_PDEATHSIG``) and
watches its parent's pid instead on systems without prctl (never both: two SIGTERMs make Scrapy
stop uncleanly). SIGTERM makes Scrapy stop gracefully and
close the run as 'interrupted'.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1
PARENT_ENV = "ZWGK_PARENT_PID"
WATCH_SECONDS = 1.0


def _set_parent_death_signal(signum: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    def watch():
        stop = threading.Event()
        while not stop.wait(WATCH_SECONDS):
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                # A second SIGTERM makes Scrapy stop at once if the graceful stop takes too long.
                if stop.wait(60):
                    return
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=watch, name="zwgk-parent-watch", daemon=True).start()


def tie_to_parent() -> None:
    """SIGTERM to this process when the parent named by $ZWGK_PARENT_PID dies (or already has)."""
    parent = int(os.environ.get(PARENT_ENV) or 0)
    if not parent:
        return
    tied = _set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:   # the parent died before prctl took effect
        sys.exit(f"crawl not started: its parent process {parent} has exited")
    if not tied:
        # Only without prctl: a second SIGTERM on top of the kernel's would make Scrapy stop at once
        # (unclean), leaving the run 'running' instead of closing it as 'interrupted'.
        _watch_parent(parent)


def main() -> None:
    tie_to_parent()
    from scrapy.cmdline import execute

    execute(["scrapy", *sys.argv[1:]])


if __name__ == "__main__":
    main()
