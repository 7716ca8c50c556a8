"""Scrapy settings for crawling real government portals: polite by default.

The one place of every default: the portal spider applies this module as its defaults
(``PortalSpider.update_settings``), so no call site has a fallback of its own and the spider runs
under another project's settings too. The demo portal on loopback overrides the throttling (see
zwgk.demo.DEMO_SETTINGS); anyone can override any of these with ``-s NAME=VALUE`` on ``zwgk
crawl``/``zwgk run`` or ``scrapy crawl``.
"""
BOT_NAME = "zwgk"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "Mozilla/5.0 (compatible; zwgk/0.1; government information disclosure monitor)"
ROBOTSTXT_OBEY = True

# Government servers are often small: two requests at a time per host and an adaptive delay;
# CONCURRENT_REQUESTS bounds all hosts together (a run crawls many sites side by side).
CONCURRENT_REQUESTS = 16
# Items are written synchronously: Scrapy's default of 100 concurrent items per response only adds
# asyncio task overhead (about 15 % of the crawl's CPU on the demo portal).
CONCURRENT_ITEMS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024   # a list or detail page is never this big; attachments are not downloaded
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = True                # some WAFs set a cookie on the first answer and expect it back

ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
# Memory must not grow with the pages crawled: request fingerprints live in a SQLite scratch file, and
# crawler.runner gives each crawl a JOBDIR so that Scrapy queues pending requests on disk.
DUPEFILTER_CLASS = "crawler.dupefilter.DiskDupeFilter"
# Scrapy's LIFO disk queue, naming callbacks and sites cheaply (crawler/queues.py).
SCHEDULER_DISK_QUEUE = "crawler.queues.SpiderLifoDiskQueue"
# Scrapy reads a callback's source and walks its syntax tree to warn about `return value` in a
# generator, again whenever its cache (weak references to bound methods) has let go: each request
# popped from disk has a new bound method. A check for spider authors, not for each page crawled.
WARN_ON_GENERATOR_RETURN_VALUE = False
# After redirects and retries (600, 550): BlockDetector sees the final answer, marks WAF/login pages
# as blocked. Before them: RedirectPolicy sees each redirect first (no redirect off the site is
# followed), HostTimeouts sees each timeout before a retry is scheduled.
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.BlockDetector": 540,
    "crawler.middlewares.HostTimeouts": 560,
    "crawler.middlewares.RedirectPolicy": 650,
}
# Spider middlewares see every request and item a callback yields. Two of Scrapy's do nothing a
# crawl of portals uses: DepthMiddleware counts link depth for DEPTH_LIMIT and depth stats, while
# this spider bounds its walks itself (ZWGK_MAX_PAGES_PER_COLUMN; a detail page leads nowhere), and
# MetaCopyDetectionMiddleware warns spider authors about copied meta keys (a check for the code, like
# WARN_ON_GENERATOR_RETURN_VALUE above). HttpError, Referer (some portals check it) and UrlLength stay.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
LOG_FORMATTER = "crawler.extensions.PageLogFormatter"   # no DEBUG record per page and item below DEBUG
EXTENSIONS = {"scrapy.extensions.telnet.TelnetConsole": None, "crawler.extensions.RequestLog": 500,
              "crawler.archive.WarcArchive": 510, "crawler.extensions.CollectorTuning": 520,
              "crawler.extensions.TimerPurge": 530}
# Scrapy >= 2.19 starts a "remote control" with every crawl: an HTTP server on localhost that runs any
# Python code sent with the token it writes under ~/.local/state/scrapy/job_files. A crawl needs none.
REMOTE_CONTROL_ENABLED = False

# zwgk's own settings
ZWGK_DB = "zwgk.db"
ZWGK_MAX_PAGES_PER_COLUMN = 500       # a pager that never ends must not keep the crawl forever
ZWGK_LOG_REQUESTS = False             # write run-N.requests.tsv beside the log (for bench/crawl.py)
# Incremental recrawl (crawler/recrawl.py): columns already read are paged only until known entries,
# known detail pages are fetched again only every ZWGK_REVISIT_DAYS (spread +-25 % per URL, so that
# a province's pages do not all come due in the same week); every column is read to its last page on
# the same period, which is what finds entries removed from deep pages. False reads everything.
ZWGK_INCREMENTAL = True
ZWGK_REVISIT_DAYS = 28.0              # days (fractions allowed); 0: revisit every known page and read every column completely
# Evidence archive (crawler/archive.py): every entry/list/detail page as WARC records in
# zwgk-warc/run-N.warc.gz beside the store, indexed in warc_records.
ZWGK_WARC = True
ZWGK_WARC_GZIP_LEVEL = 6
# After this many timeouts in a row from one host (retries count), the rest of that host's pages are
# recorded as 'unreachable' without being asked (0: never): a dead portal cannot stretch the run.
ZWGK_HOST_TIMEOUTS = 5
# CPU seconds the spider may spend extracting one page; a page beyond it is recorded 'too-complex'.
ZWGK_PAGE_CPU_SECONDS = 5.0
ZWGK_BLOCKED_MAX_PER_HOST = 10        # after this many block pages, stop asking that host in this run (0: never)
# Set by a Celery worker (zwgk.distributed): this crawl is that task of a distributed run. It writes
# into the run without closing it (the coordinator does), keeps its counters in the task's run_tasks
# row, and archives into its own WARC file, zwgk-warc/run-N-TASK.warc.gz. Empty: a run of its own.
ZWGK_RUN_TASK = ""

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
