"""Scrapy settings for crawling real government portals: polite by default.

The demo portal on loopback overrides the throttling (see zwgk.cli.DEMO_SETTINGS); anyone can
override any of these with ``-s NAME=VALUE`` on ``zwgk crawl``/``zwgk run`` or ``scrapy crawl``.
"""
BOT_NAME = "zwgk"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "Mozilla/5.0 (compatible; zwgk/0.1; government information disclosure monitor)"
ROBOTSTXT_OBEY = True

# Government servers are often small: few parallel requests, adaptive delay.
CONCURRENT_REQUESTS = 16
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
EXTENSIONS = {"scrapy.extensions.telnet.TelnetConsole": None, "crawler.extensions.RequestLog": 500}

# zwgk's own settings
ZWGK_DB = "zwgk.db"
ZWGK_MAX_PAGES_PER_COLUMN = 500       # a pager that never ends must not keep the crawl forever
ZWGK_LOG_REQUESTS = False             # write run-N.requests.tsv beside the log (for bench/crawl.py)

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
