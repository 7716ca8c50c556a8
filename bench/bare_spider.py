"""The baseline for bench/crawl.py: fetch a list of URLs with Scrapy and do nothing with them."""
import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls_file = urls

    async def start(self):
        with open(self.urls_file, encoding="utf-8") as f:
            for line in f:
                method, url, body = line.rstrip("\n").split("\t")
                yield scrapy.Request(url, method=method, body=body or None, callback=self.parse,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"} if body else None)

    def parse(self, response):
        return ()
