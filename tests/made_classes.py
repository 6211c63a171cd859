"""Made copies of the statement, one per class of copy that real witnesses come in.

Every copy here is *made* for a test from the seed's own text (``made.made_statement``)
or, where said, from the real Wikisource text under ``../shared/real/``; none of the
made copies is a real source, and every file written here is named ``made-…``. The
invented passages (a look-alike statement on the Korean peninsula, the news items of
an SEO "mixer" page) were written for these tests and are not any real text.

Each builder takes a folder and returns a :class:`Pair`: the reference to compare
against and the witness. The few numbers a test needs to know about a copy (where it
is cut, which paragraph moved, how many paragraphs OpenCC changed) are module
constants or small functions here, so that tests state them once.
"""

from __future__ import annotations

import html
import itertools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

import made
from docwitness.normalise import normalise_text

TITLE = made.TITLE
SHORT_TITLE = "中俄关于当前世界形势和重大国际问题的联合声明"
WIKISOURCE = Path(__file__).resolve().parents[2] / "shared" / "real" / "wikisource-zh-hans.txt"

# Site text as the field notes describe it (china.com reposting Xinhua).
BREADCRUMB = "当前位置:新闻 > 滚动 > 正文"
BYLINE = "2017-07-05 05:42:41 新华网 参与评论()人"
BYLINE_DATE = "2017-07-05 05:42:41"
BYLINE_SOURCE = "新华网"
EDITOR = "责任编辑：张三"
JUMP = "跳转到内容"
TAGLINE = "维基文库，自由的图书馆"


@dataclass(frozen=True)
class Pair:
    """What one case compares: the reference (A) and the witness (B)."""

    ref: Path
    wit: Path


Builder = Callable[[Path], Pair]


def canonical(text: str) -> str:
    """A paragraph's canonical text (the profile docwitness compares on)."""
    return normalise_text(text)


def statement() -> list[str]:
    """The made complete statement: title and points 一 to 九, from the seed."""
    return made.made_statement()


def _write(directory: Path, name: str, paragraphs: list[str]) -> Path:
    assert name.startswith("made-"), name
    return made.write_made(directory, name, paragraphs)


def made_reference(directory: Path) -> Path:
    return _write(directory, "made-statement.txt", statement())


def real_wikisource() -> Path:
    """The real Wikisource text (a real copy, not made); the test is skipped without it."""
    if not WIKISOURCE.is_file():
        pytest.skip(f"the real Wikisource copy is not here: {WIKISOURCE}")
    return WIKISOURCE


def wikisource_paragraphs() -> list[str]:
    text = real_wikisource().read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def wikisource_stop() -> int:
    """Canonical characters of the paragraph in which the Wikisource text stops."""
    return len(canonical(wikisource_paragraphs()[-1]))


def _pair(directory: Path, name: str, paragraphs: list[str]) -> Pair:
    return Pair(made_reference(directory), _write(directory, name, paragraphs))


# --------------------------------------------------------------------------- script


def opencc_convert(paragraphs: list[str], config: str) -> list[str]:
    import opencc

    converter = opencc.OpenCC(config)
    return [str(converter.convert(p)) for p in paragraphs]


def script_changed(config: str) -> int:
    """How many of the made statement's paragraphs OpenCC ``config`` changes."""
    paras = statement()
    return sum(a != b for a, b in zip(paras, opencc_convert(paras, config), strict=True))


def traditional(config: str, directory: Path) -> Pair:
    """The whole made statement in Traditional script (s2tw writes 着 as 著)."""
    return _pair(directory, f"made-traditional-{config}.txt", opencc_convert(statement(), config))


# --------------------------------------------------------------------------- cut at the end


def cut_point(index: int, chars: int) -> str:
    """The first ``chars`` canonical characters of paragraph ``index``, as written."""
    raw = statement()[index]
    at = next(n for n in range(len(raw) + 1) if len(canonical(raw[:n])) == chars)
    head = raw[:at]
    assert "\u4e00" <= head[-1] <= "\u9fff", f"cut after {head[-1]!r}: not mid-sentence"
    return head


# name → (paragraph, canonical characters kept, text glued to the cut, lines after it)
CUTS: dict[str, tuple[int, int, str, tuple[str, ...]]] = {
    "cut-ellipsis": (14, 63, "……", ()),
    "cut-dots": (6, 60, "...", ()),
    "cut-weiwan": (17, 60, "(未完)", ()),
    "cut-weiwandaixu": (21, 60, "", ("未完待续",)),
    "cut-read-on": (13, 60, "", ("阅读全文",)),
    "cut-click-full": (18, 60, "", ("点击查看全文",)),
    "cut-next-page": (7, 60, "", ("下一页",)),
    "cut-ellipsis-click-full": (15, 60, "……", ("点击查看全文",)),
    "cut-weiwan-next-page": (10, 37, "(未完)", ("下一页",)),
    "cut-daixu-read-on": (3, 101, "未完待续", ("阅读全文",)),
    "cut-dots-daixu-next-page": (19, 60, "...", ("未完待续", "下一页")),
}


def cut_end(index: int, chars: int, glued: str, lines: tuple[str, ...], directory: Path) -> Pair:
    """A copy that stops ``chars`` canonical characters into paragraph ``index``;
    ``glued`` follows the cut text directly, each of ``lines`` is a line of its own."""
    paras = [*statement()[:index], cut_point(index, chars) + glued, *lines]
    return _pair(directory, f"made-cut-{index}-{chars}.txt", paras)


# --------------------------------------------------------------------------- begins late

START_AT = 8  # 四、双方坚决谴责一切形式的恐怖主义…


def begins_late(directory: Path) -> Pair:
    """A made repost's second page: breadcrumb, date-and-source line, then points 四 to 九."""
    paras = [BREADCRUMB, BYLINE, *statement()[START_AT:]]
    return _pair(directory, "made-begins-at-four.txt", paras)


# --------------------------------------------------------------------------- site text


def portal(title_line: str, directory: Path, after_title: tuple[str, ...] = ()) -> Pair:
    """A made news-portal copy as text: breadcrumb, labelled title, byline, body, editor."""
    body = statement()[1:]
    paras = [BREADCRUMB, title_line, *after_title, BYLINE, *body, EDITOR]
    return _pair(directory, "made-portal.txt", paras)


def glued_to_title(dateline: str, config: str | None, directory: Path) -> Pair:
    """An agency dateline glued to the title ("中評社北京7月5日電/" + title), as CRNTT does."""
    paras = statement() if config is None else opencc_convert(statement(), config)
    paras = [dateline + paras[0], *paras[1:]]
    return _pair(directory, "made-dateline-title.txt", paras)


def glued_to_first(dateline: str, directory: Path) -> Pair:
    """An agency dateline at the start of the first paragraph ("新华社莫斯科7月4日电　…")."""
    paras = statement()
    paras = [paras[0], dateline + paras[1], *paras[2:]]
    return _pair(directory, "made-dateline-first.txt", paras)


# --------------------------------------------------------------------------- cut-off reference


def reference_cut_off(directory: Path) -> Pair:
    """Reference: the real Wikisource text (cut in point 二). Witness: a made s2tw copy."""
    wit = _write(directory, "made-traditional-whole.txt", opencc_convert(statement(), "s2tw"))
    return Pair(real_wikisource(), wit)


# --------------------------------------------------------------------------- moved and edited

MOVED_FAR = 6  # the second paragraph of point 二
MOVED_FAR_AFTER = 21  # the last paragraph of point 八
MOVED_FAR_EDITS = (("承担的主要责任", "承担的首要责任"), ("必要、合理的改革", "必要、适当的改革"))
MOVED_FAR_READINGS = {("主", "首"), ("合理", "适当")}
MOVED_NEAR = 16  # the lighter of 15 and 16: it is the one that moved
MOVED_NEAR_EDITS = (("落入恐怖组织之手", "落入恐怖分子之手"),)
MOVED_NEAR_READINGS = {("组织", "分子")}


def _edited(text: str, edits: tuple[tuple[str, str], ...]) -> str:
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def moved_far(directory: Path) -> Pair:
    paras = statement()
    moving = _edited(paras[MOVED_FAR], MOVED_FAR_EDITS)
    rest = paras[:MOVED_FAR] + paras[MOVED_FAR + 1 :]
    # Without paragraph MOVED_FAR, ``rest[:MOVED_FAR_AFTER]`` ends with paragraph MOVED_FAR_AFTER.
    at = MOVED_FAR_AFTER
    return _pair(directory, "made-moved-far.txt", [*rest[:at], moving, *rest[at:]])


def moved_near(directory: Path) -> Pair:
    paras = statement()
    moving = _edited(paras[MOVED_NEAR], MOVED_NEAR_EDITS)
    out = [*paras[: MOVED_NEAR - 1], moving, paras[MOVED_NEAR - 1], *paras[MOVED_NEAR + 1 :]]
    return _pair(directory, "made-moved-near.txt", out)


# --------------------------------------------------------------------------- splits and merges

SPLIT_THREE = (17, (98, 215))  # point 六, broken twice mid-word
SPLIT_FOUR = (14, (41, 120, 190))  # point 五's outer-space paragraph, broken three times
MERGE_THREE = (9, 3)  # paragraphs 9, 10, 11 run together
MERGE_FOUR = (12, 4)  # paragraphs 12 to 15 run together


def split(index: int, at: tuple[int, ...], directory: Path) -> Pair:
    paras = statement()
    text = paras[index]
    bounds = (0, *at, len(text))
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds)]
    for piece in pieces[:-1]:
        assert "\u4e00" <= piece[-1] <= "\u9fff", piece[-5:]
    name = f"made-split-{len(pieces)}.txt"
    return _pair(directory, name, [*paras[:index], *pieces, *paras[index + 1 :]])


def merge(index: int, count: int, directory: Path) -> Pair:
    paras = statement()
    joined = "".join(paras[index : index + count])
    name = f"made-merge-{count}.txt"
    return _pair(directory, name, [*paras[:index], joined, *paras[index + count :]])


# --------------------------------------------------------------------------- other documents

# Written for these tests: a made statement on another subject, headed by our title.
KOREA = [
    "中华人民共和国和俄罗斯联邦（以下称“双方”）就朝鲜半岛局势深入交换意见，一致认为，"
    "当前半岛形势持续紧张，有关各方应保持冷静克制，避免采取任何可能加剧紧张的言行。",
    "一、双方重申，实现半岛无核化、维护半岛和平稳定是地区国家的共同目标，主张通过对话协商"
    "和平解决半岛问题，反对任何以武力相威胁的做法。",
    "二、双方愿以各自提出的倡议为基础，推动有关各方在相互尊重的前提下重启接触，"
    "逐步建立互信，使半岛问题回到谈判解决的轨道上来。",
    "三、双方反对在东北亚地区部署新的导弹防御系统，认为此举损害地区国家的安全利益，"
    "无助于实现半岛无核化目标，也不利于地区战略平衡。",
    "四、双方主张在解决半岛问题的过程中照顾各方合理关切，推动建立东北亚和平与安全机制，"
    "为地区长治久安奠定基础。",
    "五、双方将加强在联合国安理会等多边框架内的协调，支持通过政治外交途径寻求全面解决方案，"
    "并就半岛局势保持密切沟通。",
    "本声明于二〇一七年七月四日在莫斯科签署。",
]

# Written for these tests: the unrelated items of a made SEO "mixer" page.
NEWS = [
    "据气象部门预报，本周后期我国北方大部地区将迎来一次明显降温过程，局地降温幅度可达八到十度，"
    "公众需及时添衣保暖，注意交通出行安全。",
    "昨晚进行的足球联赛第十五轮比赛中，主队凭借下半场的两粒进球逆转取胜，继续领跑积分榜，"
    "主教练赛后表示球队的防守仍有改进空间。",
    "沪深两市今日小幅高开，随后震荡走低，截至收盘沪指下跌零点三个百分点，两市成交额较前一交易日"
    "有所萎缩，电子和医药板块跌幅居前。",
    "某市文旅部门发布消息，暑期将推出二十条精品旅游线路，涵盖红色教育、自然观光和非遗体验等主题，"
    "部分景区还将实行门票优惠。",
    "一项最新研究显示，每天坚持步行三十分钟有助于改善心血管健康，研究人员建议久坐人群每隔一小时"
    "起身活动五分钟，并保持均衡饮食。",
    "夏季是食物中毒的高发季节，市场监管部门提醒消费者购买熟食时注意查看生产日期，剩饭剩菜应及时"
    "冷藏，食用前彻底加热。",
    "某新能源汽车企业发布上半年销量数据，累计交付新车逾十万辆，同比增长近一倍，企业表示将加快"
    "充电网络建设，提升用户补能体验。",
    "本届国际图书博览会吸引了来自八十多个国家和地区的出版机构参展，展期五天，期间将举办版权贸易"
    "洽谈、新书发布和作家见面会等活动。",
    "多地教育部门提醒考生，高考志愿填报系统将于近日开放，考生应认真阅读招生章程，合理安排志愿梯度，"
    "谨防各类填报志愿骗局。",
    "铁路部门宣布暑运期间将加开旅客列车一百余对，重点增加热门旅游城市和高校集中地区的运力，"
    "旅客可通过官方渠道购票。",
    "某地农业农村部门介绍，今年夏粮收购工作进展顺利，小麦质量总体好于上年，各收购网点开足秤门，"
    "确保农民售粮方便。",
    "科研团队在南海深处发现一处新的冷泉生态系统，采集到多种深海生物样本，相关成果有望为深海"
    "生物多样性研究提供新的资料。",
    "多家银行近日下调部分期限存款利率，分析人士认为，此举有助于降低银行负债成本，也将引导居民"
    "合理配置家庭资产。",
    "城市管理部门启动夏季道路维修工程，将在夜间对主干道路面进行集中修补，施工期间部分路段"
    "实行交通管制，请市民提前规划出行路线。",
    "一场以乡村振兴为主题的摄影展在市美术馆开幕，展出作品三百余幅，记录了近年来乡村面貌的变化，"
    "展览将持续至下月底。",
]
MIXER_SHARED = (16, 20)  # the two statement paragraphs the mixer page carries
MIXER_HEADLINE = "中俄联合声明最新消息_今日热点新闻汇总"


def lookalike(title: str, directory: Path) -> Pair:
    return _pair(directory, "made-lookalike-korea.txt", [title, *KOREA])


def mixer(directory: Path) -> Pair:
    paras = statement()
    body = [*NEWS[:5], paras[MIXER_SHARED[0]], *NEWS[5:11], paras[MIXER_SHARED[1]], *NEWS[11:]]
    return _pair(directory, "made-seo-mixer.txt", [MIXER_HEADLINE, *body])


FRAGMENT = 4  # title, preamble, "双方声明如下：", point 一's first paragraph


def fragment(directory: Path) -> Pair:
    return _pair(directory, "made-fragment.txt", statement()[:FRAGMENT])


# --------------------------------------------------------------------------- Markdown in a .txt


def seed_as_text(directory: Path) -> Pair:
    """The seed's bytes under a .txt name: the format must be sniffed, not given."""
    wit = directory / "made-seed-as-text.txt"
    shutil.copyfile(made.SEED, wit)
    return Pair(made_reference(directory), wit)


# --------------------------------------------------------------------------- Wikisource


def wikisource_real(directory: Path) -> Pair:
    """The bundled seed (reference) against the real Wikisource text."""
    return Pair(made.SEED, real_wikisource())


def wikisource_page_html(paragraphs: list[str]) -> str:
    """A made Wikisource-like HTML page around the real text's paragraphs."""
    ps = "\n".join(f"<p>\u3000\u3000{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<!-- made for docwitness tests from the real Wikisource text; not a real page -->
<html lang="zh-Hans-CN"><head><meta charset="UTF-8">
<title>{TITLE} - {TAGLINE}</title></head>
<body class="mediawiki">
<a class="mw-jump-link" href="#bodyContent">{JUMP}</a>
<div id="content" class="mw-body" role="main">
<h1 id="firstHeading" class="firstHeading">{TITLE}</h1>
<div id="bodyContent">
<div id="siteSub">{TAGLINE}</div>
<div id="mw-content-text" class="mw-parser-output">
{ps}
</div></div></div>
</body></html>
"""


def wikisource_html(directory: Path) -> Pair:
    """The bundled seed against made-wikisource-page.html, built from the real text."""
    paras = wikisource_paragraphs()
    assert paras[:3] == [JUMP, TITLE, TAGLINE.replace("，", ",")], paras[:3]
    page = directory / "made-wikisource-page.html"
    page.write_text(wikisource_page_html(paras[3:]), encoding="utf-8")
    return Pair(made.SEED, page)


def seed_paragraph_starting(prefix: str) -> int:
    """The index of the seed's canonical paragraph that starts with ``prefix``."""
    from docwitness.pipeline import load_copy

    doc = load_copy(str(made.SEED))
    return next(p.index for p in doc.paragraphs if p.text.startswith(canonical(prefix)))


# --------------------------------------------------------------------------- builders by name

BUILDERS: dict[str, Builder] = {
    "traditional-s2hk": partial(traditional, "s2hk"),
    "traditional-s2tw": partial(traditional, "s2tw"),
    **{name: partial(cut_end, *cut) for name, cut in CUTS.items()},
    "begins-at-point-four": begins_late,
    "label-fullwidth": partial(portal, TITLE + "（全文）"),
    "label-halfwidth": partial(portal, TITLE + "(全文)"),
    "label-brackets": partial(portal, "【全文】" + TITLE),
    "label-line": partial(portal, TITLE, after_title=("全文如下：",)),
    "dateline-crntt-traditional": partial(glued_to_title, "中評社北京7月5日電/", "s2tw"),
    "dateline-crntt-simplified": partial(glued_to_title, "中评社北京7月5日电/", None),
    "dateline-xinhua-first-paragraph": partial(glued_to_first, "新华社莫斯科7月4日电\u3000"),
    "dateline-people-space": partial(glued_to_first, "人民网北京7月5日电 "),
    "reference-cut-off": reference_cut_off,
    "moved-far-edited": moved_far,
    "moved-near-edited": moved_near,
    "split-three": partial(split, *SPLIT_THREE),
    "split-four": partial(split, *SPLIT_FOUR),
    "merge-three": partial(merge, *MERGE_THREE),
    "merge-four": partial(merge, *MERGE_FOUR),
    "lookalike-full-title": partial(lookalike, TITLE),
    "lookalike-short-title": partial(lookalike, SHORT_TITLE),
    "seo-mixer": mixer,
    "fragment-first-four": fragment,
    "seed-as-text": seed_as_text,
    "wikisource-real": wikisource_real,
    "wikisource-html": wikisource_html,
}
