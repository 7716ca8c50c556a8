"""extract_page: the JSON shape `zwgk extract` prints, from raw bytes."""
import json
from pathlib import Path

from crawler.extraction import extract_page

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"


def test_detail_from_gb2312_bytes():
    body = (FIXTURES / "gb2312_declared.html").read_bytes()
    out = extract_page(body, "http://www.sp.gov.cn/zwgk/content.jsp?id=7", "detail", content_type="text/html")
    assert out == {
        "kind": "detail",
        "fields": {"title": "关于张堃、李珺、王镕同志任职的通知", "published": "2023-05-16", "written": None,
                   "doc_number": None, "index_number": None, "publisher": "昇平县人民政府办公室", "category": None,
                   "validity": None, "repeals": []},
        "attachments": [],
    }
    json.dumps(out, ensure_ascii=False)


def test_list_with_post_pages_given_by_url():
    html = """<div id="9"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&columnid=9&unitid=9"></a>]]></nextgroup><recordset>
<record><![CDATA[<li><a href="/art/2023/5/16/art_9_1.html" title="关于某事的通知">关于某事的通知</a><span>2023-05-16</span></li>]]></record>
</recordset></datastore></script></div><script>$('#9').jpage({totalRecord:50,perPage:15,groupSize:3});</script>"""
    out = extract_page(html.encode(), "http://www.x.gov.cn/col/col9/index.html", "list")
    assert out == {
        "kind": "list",
        "entries": [{"title": "关于某事的通知", "url": "http://www.x.gov.cn/art/2023/5/16/art_9_1.html", "date": "2023-05-16"}],
        "list_found": True, "empty": None, "total": 50,
        "next_pages": ["http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=2&endrecord=46&perpage=15",
                       "http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=47&endrecord=50&perpage=15"],
    }
