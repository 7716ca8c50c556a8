"""decode_html: declared charsets, lying declarations, undeclared pages, BOMs."""
from pathlib import Path

from crawler.extraction.encoding import decode_html

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
RARE = "堃珺镕昇"  # in GBK/GB18030 but not in GB2312


def test_gb2312_declared_page_with_gbk_only_characters_decodes_exactly():
    body = (FIXTURES / "gb2312_declared.html").read_bytes()
    text = decode_html(body, "text/html; charset=gb2312")
    assert "张堃、李珺、王镕同志任职的通知" in text
    assert "\ufffd" not in text


def test_gb2312_declared_in_meta_only():
    body = (FIXTURES / "gb2312_declared.html").read_bytes()
    assert "张堃、李珺、王镕" in decode_html(body)
    assert "张堃、李珺、王镕" in decode_html(body, "text/html")


def test_no_declaration_at_all_gbk():
    page = f"<html><body><p>{RARE}县人民政府关于印发通知</p></body></html>"
    assert decode_html(page.encode("gbk")) == page


def test_no_declaration_at_all_utf8():
    page = f"<html><body><p>{RARE}县人民政府关于印发通知</p></body></html>"
    assert decode_html(page.encode("utf-8")) == page


def test_header_beats_meta_when_both_decode():
    page = '<meta charset="utf-8"><p>人民政府</p>'
    assert "人民政府" in decode_html(page.encode("gbk"), "text/html; charset=gbk")


def test_lying_utf8_header_on_gbk_bytes():
    page = '<meta charset="gbk"><p>人民政府信息公开</p>'
    assert "人民政府信息公开" in decode_html(page.encode("gbk"), "text/html; charset=utf-8")


def test_utf8_bytes_under_a_gbk_header():
    page = "<p>人民政府信息公开</p>"
    assert decode_html(page.encode("utf-8"), "text/html; charset=GBK") == page


def test_bom_wins():
    page = "<p>人民政府</p>"
    assert decode_html(b"\xef\xbb\xbf" + page.encode("utf-8"), "text/html; charset=gbk") == page


def test_utf8_page_with_one_broken_byte_stays_utf8():
    page = "<p>" + "人民政府信息公开" * 50 + "</p>"
    body = page.encode("utf-8")[:-7] + b"\xe4</p>"
    text = decode_html(body, "text/html; charset=utf-8")
    assert text.startswith("<p>人民政府信息公开人民政府")


def test_empty_and_garbage():
    assert decode_html(b"") == ""
    assert isinstance(decode_html(bytes(range(256)) * 10), str)
    assert decode_html(b"plain ascii") == "plain ascii"
