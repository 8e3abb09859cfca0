"""Notes cannot call out: no outside image in any form, plain titles, safe links, bounded text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt

from pricewatch.accounts import User
from pricewatch.config import load_settings
from pricewatch.errors import InputError
from pricewatch.notes.feed import atom_feed
from pricewatch.notes.model import Note
from pricewatch.notes.render import escape_markdown, markdown_to_html, outside_images
from pricewatch.notes.workflow import Notebook

TZ = ZoneInfo("Asia/Shanghai")
EDITOR = User("editor", "editor")
REVIEWER = User("reviewer", "reviewer")
EVIL = "evil.example"
FORMS = {
    "markdown": f"看图 ![价格](https://{EVIL}/a.png) 完",
    "markdown-title": f'![价格](http://{EVIL}/b.png "t")',
    "reference": f"![价格][r]\n\n[r]: https://{EVIL}/c.png",
    "reference-collapsed": f"![r][]\n\n[r]: //{EVIL}/d.png",
    "html": f'<img src="https://{EVIL}/e.png">',
    "html-srcset": f'<p><img srcset="https://{EVIL}/f.png 2x"></p>',
    "nested-link": f"[![x](https://{EVIL}/g.png)](https://{EVIL}/)",
    "relative-path": "![x](../../etc/passwd.png)",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _imgs(html: str) -> list[str]:
    return re.findall(r"<img[^>]*>", html)


@pytest.mark.parametrize("form", FORMS)
def test_no_outside_image_survives_rendering(form):
    html = markdown_to_html(FORMS[form])
    assert _imgs(html) == []
    assert "<img" not in html  # a raw tag is shown as text (escaped), never as a tag


def test_own_images_render_only_at_the_url_the_page_gives():
    body = "![图一](chart.png) ![外](https://evil.example/x.png)"
    html = markdown_to_html(body, images={"chart.png": "/files/n1/chart.png"})
    assert _imgs(html) == ['<img src="/files/n1/chart.png" alt="图一">']
    assert "〔图：外〕" in html


@pytest.mark.parametrize("form", [f for f in FORMS if not f.startswith("html")])
def test_outside_images_are_found_at_save_in_every_markdown_form(form):
    assert outside_images(FORMS[form], ["chart.png"]) != []
    assert outside_images("![图](chart.png)", ["chart.png"]) == []


def test_outside_links_get_noopener_noreferrer():
    html = markdown_to_html(f"[来源](https://{EVIL}/page) [邮件](mailto:a@b.cn)")
    assert html.count('rel="noopener noreferrer"') == 2
    assert 'href="javascript' not in markdown_to_html("[x](javascript:alert(1))")


@pytest.mark.parametrize("title", [f"![x](https://{EVIL}/t.png)", f"![x][r] [r]: https://{EVIL}/",
                                   f"<img src=https://{EVIL}/t.png>", f":red[a] https://{EVIL}"])
def test_escaped_titles_render_no_image_or_link(title):
    md = MarkdownIt("commonmark")
    html = md.render(escape_markdown(title))
    assert "<img" not in html and "<a " not in html


@pytest.fixture
def book(notes_db):
    return Notebook(notes_db, load_settings(), clock=lambda: datetime(2024, 4, 30, 9, 0, tzinfo=TZ))


@pytest.mark.parametrize("form", FORMS)
def test_an_outside_image_is_refused_at_save_with_a_chinese_message(book, form):
    if form.startswith("html"):  # shown as text, not an image: saving it is harmless
        book.create(EDITOR, title="标题", body=FORMS[form])
        return
    with pytest.raises(InputError, match="正文中的图片只能引用本解读自己的附件") as e:
        book.create(EDITOR, title="标题", body=FORMS[form])
    assert "附件" in e.value.hint
    n = book.create(EDITOR, title="标题", body="正文")
    with pytest.raises(InputError, match="只能引用本解读自己的附件"):
        book.edit(EDITOR, n.id, body=FORMS[form])


def test_an_image_from_the_notes_own_attachment_is_accepted(book):
    n = book.create(EDITOR, title="标题", body="正文")
    book.add_attachment(EDITOR, n.id, "chart.png", PNG)
    n = book.edit(EDITOR, n.id, body="见图 ![走势](chart.png)")
    assert "chart.png" in n.body
    # the app and the static site show it from where each serves the note's files
    from pricewatch import notes as notes_lib

    app = notes_lib.body_html(n, image_url=lambda name: f"/app/files/notes/{n.id}/{name}")
    assert f'<img src="/app/files/notes/{n.id}/chart.png" alt="走势"' in app
    assert "<img" not in notes_lib.body_html(n)  # no URL given: its alt text only


@pytest.mark.parametrize("title, message", [
    (f"![x](https://{EVIL}/t.png)", "标题只能是纯文本"),
    ("<b>粗</b>", "标题只能是纯文本"),
    ("长" * 101, "标题「长长长长长长长长长长长长长长长长长长长长…」太长（101 个字符），不能超过 100 个字符"),
])
def test_titles_are_plain_and_bounded(book, title, message):
    with pytest.raises(InputError, match=re.escape(message)):
        book.create(EDITOR, title=title, body="正文")
    assert book.create(EDITOR, title="长" * 100, body="正文").title == "长" * 100


def test_comments_names_and_reasons_are_bounded(book):
    with pytest.raises(InputError, match="商品名称"):
        book.create(EDITOR, title="标题", body="正文", commodities=["菜" * 41])
    n = book.create(EDITOR, title="标题", body="正文", period="2024-W17")
    with pytest.raises(InputError, match="意见.*不能超过 2000 个字符"):
        book.submit(EDITOR, n.id, "意" * 2001)
    book.submit(EDITOR, n.id, "意" * 2000)
    with pytest.raises(InputError, match="意见"):
        book.return_(REVIEWER, n.id, "退" * 2001)
    with pytest.raises(InputError, match="理由"):
        book.override(REVIEWER, n.id, "figures", "理" * 2001)


def test_an_old_published_note_calls_out_nowhere(book):
    """Saved before the rules (written straight to disk): stripped at render and in the feed."""
    old = Note(id="old-note", title=f"![t](https://{EVIL}/title.png) 旧标题", status="published",
               published_at=datetime(2024, 4, 29, 9, 0, tzinfo=TZ), author="editor",
               body="\n\n".join(FORMS.values()))
    book.repo.save(old)
    xml = atom_feed(book.list_published(), book.settings, now=book.now())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(xml).findall("a:entry", ns)
    assert [e.findtext("a:id", namespaces=ns).endswith("old-note") for e in entries] == [True]
    html = entries[0].findtext("a:content", namespaces=ns)
    assert "<img" not in html  # the HTML a feed reader shows holds no image element at all
    assert "<img" not in markdown_to_html(old.body)
