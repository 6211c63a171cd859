"""Made HTML and PDF copies of the statement, for the extraction tests.

Every copy here is *made* from the plain-text statement that ``made.py`` builds
from the seed; none is a real source, and every file name starts ``made-``.
The site chrome imitates the shapes field-notes.md describes (china.com's
portal header and "(全文)" title, CRNTT's dateline glued to the title,
Wikisource's "跳转到内容" and U+3000 indents), not any page's actual markup.

:data:`BUILDERS` maps a case name to a function ``(directory) -> [paths]``; the
golden table in ``extraction_cases/cases.json`` refers to these names.
"""

from __future__ import annotations

import html
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import made
from docwitness.model import Extraction

TITLE = made.TITLE
ARTICLE_FONT = "STSong-Light"


# --------------------------------------------------------------------------- HTML


def _entities(text: str) -> str:
    """Escape, and write the curly quotes as entities, as many CMSs do."""
    return html.escape(text, quote=False).replace("“", "&ldquo;").replace("”", "&#8221;")


def _portal_chrome_top() -> str:
    return """
<div id="top-bar" class="site-header"><a href="/">中华网首页</a> | <a href="/login">登录</a></div>
<nav class="main-nav"><ul><li><a href="/news">新闻</a></li><li><a href="/sports">体育</a></li>
<li><a href="/finance">财经</a></li></ul></nav>
<div class="crumbs">当前位置:<a href="/news">新闻</a> &gt; 滚动 &gt; 正文</div>
<script>var _hmt = _hmt || []; document.write("广告");</script>
<style>.article p { text-indent: 2em; }</style>
"""


def _portal_chrome_bottom() -> str:
    return """
<div class="share-box">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<h3>相关阅读</h3>
<ul><li><a href="/a/1.html">中俄元首会谈</a></li>
<li><a href="/a/2.html">习近平抵达莫斯科</a></li></ul>
<div id="comment-area">网友评论 <a href="#">发表评论</a> 已有0条评论</div>
<aside class="hot"><h4>热点新闻</h4><p>今日要闻一则</p></aside>
<footer><p>Copyright © 中华网 版权所有</p></footer>
"""


def portal_page(
    paragraphs: list[str],
    *,
    charset: str = "utf-8",
    title_suffix: str = "(全文)",
    page_note: str = "",
    pager: str = "",
    title: str | None = None,
    byline: str = "2017-07-05 05:42:41 来源：新华网 参与评论()人",
    closing: bool = True,
) -> str:
    """A made news-portal page: chrome around an article of ``<p>`` paragraphs."""
    heading = TITLE if title is None else title
    body = "\n".join(f"<p>{_entities(p)}</p>" for p in paragraphs)
    hidden = (
        '<p style="display: none">隐藏的推广文字不应被提取</p>'
        '<div hidden>另一段隐藏文字</div><span aria-hidden="true">朗读时跳过</span>'
    )
    close = '<p class="editor">责任编辑：张三</p>' if closing else ""
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(heading)}{title_suffix}_新闻频道</title></head>
<body>{_portal_chrome_top()}
<div class="wrap">
<h1 class="article-title">{html.escape(heading)}{title_suffix}</h1>
<div class="info">{byline}</div>
<div class="article" id="chan_newsDetail">
{hidden}
{body}
{page_note}
{close}
</div>
{pager}
</div>
{_portal_chrome_bottom()}
</body></html>
"""


def _write(directory: Path, name: str, data: bytes) -> Path:
    assert name.startswith("made-"), name
    path = directory / name
    path.write_bytes(data)
    return path


def html_utf8(directory: Path) -> list[Path]:
    """The statement on a made portal page, UTF-8, with "（完）" glued to the end."""
    paras = made.made_statement()
    body = [*paras[1:-1], paras[-1] + "（完）"]
    page = portal_page(body, title_suffix="（全文）")
    return [_write(directory, "made-portal-utf8.html", page.encode("utf-8"))]


def html_gb18030(directory: Path) -> list[Path]:
    """The same page declared GB2312 and encoded GB18030 (its superset)."""
    paras = made.made_statement()
    page = portal_page(paras[1:], charset="gb2312")
    return [_write(directory, "made-portal-gb18030.html", page.encode("gb18030"))]


def html_paginated(directory: Path) -> list[Path]:
    """The statement split over three made pages; one paragraph broken across a page."""
    paras = made.made_statement()[1:]
    third = len(paras) // 3
    first, second, rest = paras[:third], paras[third : 2 * third], paras[2 * third :]
    # Break the last paragraph of page two mid-sentence, as paginating CMSs do.
    cut = len(second[-1]) // 2
    second = [*second[:-1], second[-1][:cut]]
    rest = [paras[2 * third - 1][cut:], *rest]
    out = []
    for n, chunk in enumerate((first, second, rest), start=1):
        links = " ".join(f'<a href="made-paginated_{i}.html">{i}</a>' for i in (1, 2, 3))
        pager = (
            f'<div class="page-links"><a href="#">上一页</a> {links} <a href="#">下一页</a></div>'
        )
        page = portal_page(chunk, pager=pager, closing=n == 3)
        out.append(_write(directory, f"made-paginated_{n}.html", page.encode("utf-8")))
    return out


def to_traditional(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("s2t").convert(text))


def html_crntt_traditional(directory: Path) -> list[Path]:
    """A made CRNTT-style page: Traditional script, table layout, ``<br>`` paragraphs,
    and the dateline "中評社北京7月5日電/" glued to the title."""
    paras = [to_traditional(p) for p in made.made_statement()]
    lines = ["中評社北京7月5日電/" + paras[0], *paras[1:]]
    body = "<br>\n".join("　　" + _entities(p) for p in lines)
    page = f"""<html><head><meta charset="big5"><title>{paras[0]}</title></head>
<body><table width="100%"><tr><td class="topmenu"><a href="/">中評網首頁</a> | <a href="/">新聞</a>
| <a href="/">評論</a></td></tr></table>
<table><tr><td><font size="2">中評社　2017-07-05 00:21:25</font></td></tr>
<tr><td style="font-size:14px">{body}</td></tr>
<tr><td><a href="#">上一頁</a> 1 2 <a href="#">下一頁</a></td></tr></table>
<table><tr><td class="copyright">Copyright © 中評網 版權所有</td></tr></table>
</body></html>"""
    return [_write(directory, "made-crntt-traditional.html", page.encode("utf-8"))]


def html_wikisource(directory: Path) -> list[Path]:
    """A made Wikisource-like page: skin chrome, a noexport header box, U+3000 indents,
    and two paragraphs sharing one ``<p>`` split by ``<br>``."""
    paras = made.made_statement()
    body_paras = paras[1:]
    ps = [f"<p>　　{_entities(p)}\n</p>" for p in body_paras[2:]]
    ps.insert(0, f"<p>　　{_entities(body_paras[0])}<br />\n　　{_entities(body_paras[1])}</p>")
    page = f"""<!DOCTYPE html>
<html class="client-nojs" lang="zh-Hans-CN" dir="ltr"><head><meta charset="UTF-8">
<title>{TITLE} - 维基文库，自由的图书馆</title></head>
<body class="skin-vector mediawiki">
<a class="mw-jump-link" href="#bodyContent">跳转到内容</a>
<div id="mw-navigation"><h2>导航菜单</h2><div id="p-personal"><ul><li>登录</li></ul></div>
<div id="mw-panel"><ul><li><a href="/wiki/Main_Page">首页</a></li><li>随机作品</li></ul></div></div>
<div id="content" class="mw-body" role="main">
<h1 id="firstHeading" class="firstHeading mw-first-heading">
<span class="mw-page-title-main">{TITLE}</span></h1>
<div id="bodyContent" class="vector-body">
<div id="siteSub" class="noprint">维基文库，自由的图书馆</div>
<div id="contentSub"></div>
<div id="mw-content-text" class="mw-body-content">
<div class="mw-content-ltr mw-parser-output" lang="zh-Hans-CN" dir="ltr">
<div class="ws-noexport" id="headertemplate"><table><tr><td>{TITLE}</td></tr>
<tr><td>2017年7月4日</td></tr><tr><td>姊妹计划：数据项</td></tr></table></div>
{"".join(ps)}
<!-- NewPP limit report -->
</div></div>
<div class="printfooter" data-nosnippet="">取自“<a dir="ltr" href="https://zh.wikisource.org/w/index.php?title=X">https://zh.wikisource.org/w/index.php?title=X</a>”</div>
<div id="catlinks" class="catlinks"><div>分类：<ul><li>2017年</li><li>中俄关系</li></ul></div></div>
</div></div>
<footer id="footer" class="mw-footer"><ul><li>本页面最后修订于2023年1月1日</li></ul></footer>
</body></html>"""
    return [_write(directory, "made-wikisource.html", page.encode("utf-8"))]


# --------------------------------------------------------------------------- PDF


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if ARTICLE_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(ARTICLE_FONT))


def _wrap(text: str, width: float, size: float, first_indent: float) -> list[str]:
    """Greedy wrapping by measured width, as a typesetter would: one CJK glyph at a
    time, but never inside a run of Latin letters or digits ("2017")."""
    import re

    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    avail = width - first_indent
    for token in re.findall(r"[A-Za-z0-9.]+|.", text):
        if line and stringWidth(line + token, ARTICLE_FONT, size) > avail:
            lines.append(line)
            line = ""
            avail = width
        line += token
    if line:
        lines.append(line)
    return lines


def statement_pdf(
    paragraphs: list[str],
    *,
    header: str | None = "中俄关于当前世界形势和重大国际问题的联合声明",
    page_number: str | None = "- {n} -",
    draw_twice: bool = False,
    encrypt: str | None = None,
    size: float = 10.5,
) -> bytes:
    """The statement typeset on A5 pages: a bigger centred title, paragraphs with a
    2-em first-line indent wrapped at the margin, a running header and page numbers."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    _register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5, encrypt=encrypt, invariant=True)
    width, height = A5
    left, right, top, bottom = 50.0, width - 50.0, height - 60.0, 60.0
    leading = size * 1.6
    n = 1
    y = top

    def furniture() -> None:
        c.setFont(ARTICLE_FONT, 8)
        if header is not None:
            c.drawCentredString(width / 2, height - 35, header)
        if page_number is not None:
            c.drawCentredString(width / 2, 30, page_number.format(n=n))

    def draw(x: float, y: float, text: str, font_size: float) -> None:
        c.setFont(ARTICLE_FONT, font_size)
        c.drawString(x, y, text)
        if draw_twice:  # fake bold: the same glyphs again, a hair to the right
            c.drawString(x + 0.3, y, text)

    def newline(step: float) -> None:
        nonlocal y, n
        y -= step
        if y < bottom:
            furniture()
            c.showPage()
            n += 1
            y = top - step + leading

    furniture_done = False
    title_size = size * 1.5
    for line in _wrap(paragraphs[0], right - left, title_size, 0):
        w = stringWidth(line, ARTICLE_FONT, title_size)
        draw((width - w) / 2, y, line, title_size)
        newline(title_size * 1.6)
    newline(leading * 0.5)
    for para in paragraphs[1:]:
        indent = 2 * size
        for i, line in enumerate(_wrap(para, right - left, size, indent)):
            draw(left + (indent if i == 0 else 0), y, line, size)
            newline(leading)
    if not furniture_done:
        furniture()
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_statement(directory: Path) -> list[Path]:
    data = statement_pdf(made.made_statement())
    return [_write(directory, "made-statement.pdf", data)]


def pdf_fake_bold(directory: Path) -> list[Path]:
    data = statement_pdf(made.made_statement(), draw_twice=True, page_number="第{n}页")
    return [_write(directory, "made-fake-bold.pdf", data)]


def pdf_damaged(directory: Path) -> list[Path]:
    data = statement_pdf(made.made_statement())
    return [_write(directory, "made-damaged.pdf", data[: len(data) * 2 // 3])]


def pdf_encrypted(directory: Path) -> list[Path]:
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption("user-secret", ownerPassword="owner-secret")
    data = statement_pdf(made.made_statement()[:3], encrypt=enc)  # type: ignore[arg-type]
    return [_write(directory, "made-encrypted.pdf", data)]


def pdf_no_text(directory: Path) -> list[Path]:
    """Pages that look like a scan: a picture and drawn shapes, no text layer."""
    from PIL import Image
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5, invariant=True)
    img = Image.new("L", (120, 160), color=235)
    for _ in range(2):
        c.drawImage(ImageReader(img), 40, 100, width=340, height=450)
        for row in range(20):
            c.rect(60, 520 - row * 20, 280, 6, fill=1, stroke=0)
        c.showPage()
    c.save()
    return [_write(directory, "made-no-text-layer.pdf", buf.getvalue())]


def pdf_unmapped_cids(directory: Path) -> list[Path]:
    """A PDF whose CJK font has no usable map to Unicode: pdfminer reads ``(cid:N)``.

    The font's character collection is renamed (same byte length, so the xref
    offsets stay right) to one no CMap knows, as in PDFs made by tools that embed
    CID fonts without a ToUnicode table.
    """
    data = statement_pdf(made.made_statement()[:6])
    assert b"/Ordering (GB1)" in data
    data = data.replace(b"/Ordering (GB1)", b"/Ordering (XX1)")
    return [_write(directory, "made-unmapped-cids.pdf", data)]


def pdf_many_pages(directory: Path, copies: int, size: float = 21.0) -> Path:
    """A long PDF: ``copies`` copies of the statement's first paragraphs, set large
    so that pages are many but light to read."""
    paras = made.made_statement()
    body = [paras[0]] + paras[1:4] * copies
    return _write(directory, f"made-long-{copies}.pdf", statement_pdf(body, size=size))


BUILDERS: dict[str, Callable[[Path], list[Path]]] = {
    "html-portal-utf8": html_utf8,
    "html-portal-gb18030": html_gb18030,
    "html-paginated": html_paginated,
    "html-crntt-traditional": html_crntt_traditional,
    "html-wikisource": html_wikisource,
    "pdf-statement": pdf_statement,
    "pdf-fake-bold": pdf_fake_bold,
}


# --------------------------------------------------------------------------- golden cases

CASES = Path(__file__).resolve().parent / "extraction_cases" / "cases.json"
UPDATE = "DOCWITNESS_UPDATE_GOLDEN"


def load_cases() -> dict[str, dict[str, Any]]:
    """The golden table: case name → builder, expectations, recorded digest."""
    data: dict[str, dict[str, Any]] = json.loads(CASES.read_text(encoding="utf-8"))
    return data


def save_case(name: str, entry: dict[str, Any]) -> None:
    """Record ``entry`` for ``name`` (only under DOCWITNESS_UPDATE_GOLDEN=1)."""
    assert os.environ.get(UPDATE) == "1", f"set {UPDATE}=1 to rewrite {CASES}"
    cases = load_cases()
    cases[name] = entry
    CASES.write_text(
        json.dumps(cases, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8"
    )


def extract_made(paths: list[Path]) -> Extraction:
    """Extract made files the way the pipeline does; several files are one paginated copy."""
    from docwitness.capture.file import capture_file
    from docwitness.extract import extract
    from docwitness.extract.pages import combine_pages

    extractions = [extract(capture_file(p)) for p in paths]
    return extractions[0] if len(extractions) == 1 else combine_pages(extractions)
