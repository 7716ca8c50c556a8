"""python -m zwgk.demoportal [--port 8000] [--scale 1] [--seed 7]: serve the demo portal until Ctrl-C."""
from __future__ import annotations

import argparse
import sys
import time

from .model import DEMO_AS_OF
from .portal import DemoPortal
from .server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zwgk.demoportal",
                                     description="Serve the synthetic government portals of the zwgk demo.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--scale", type=int, default=1, help="documents per column multiplier (default 1)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be >= 1")
    portal = DemoPortal(scale=args.scale, seed=args.seed)
    try:
        ctx = serve(portal, args.host, args.port)
        url = ctx.__enter__()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        print(f"zwgk demo portal at {url}/  ({len(portal.documents())} documents, scale {args.scale}, "
              f"seed {args.seed}, content as of {DEMO_AS_OF})")
        for site in portal.sites:
            print(f"  {site.id:<12} {url}{site.entry_path}  {site.name}")
        print(f"sites config: {url}/sites.yaml   save it with: curl -s {url}/sites.yaml > demo-sites.yaml")
        print("Press Ctrl-C to stop.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopped.")
    finally:
        ctx.__exit__(None, None, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
