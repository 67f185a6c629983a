from tests.structure.helpers import body, md, turns

CARD_NO_DESCRIPTION = """# T

**张三**：问题一？

**李四**：回答一。

**张三**：问题二？

**李四**：这是最后一轮回答。

**某公众号**

303篇原创内容

公众号
"""


def test_account_card_without_description_keeps_the_last_turn():
    doc = md(CARD_NO_DESCRIPTION)
    assert body(doc)[-1] == "这是最后一轮回答。"
    assert turns(doc) == {"张三": 2, "李四": 2}
    cards = [d.text for d in doc.dropped if d.kind == "account-card"]
    assert cards == ["某公众号", "303篇原创内容", "公众号"]


def test_account_card_with_description():
    doc = md("# T\n\n正文。\n\n**某公众号**\n\n专注AI。\n\n12篇原创内容\n")
    assert body(doc) == ["正文。"]
    assert [d.text for d in doc.dropped] == ["某公众号", "专注AI。", "12篇原创内容"]


def test_page_tail_and_ads_dropped():
    doc = md("# T\n\n正文。\n\n扫码报名直播，名额有限\n\n结尾一句。\n\n预览时标签不可点\n\n"
             "微信扫一扫\n关注该公众号\n\n知道了\n\n赞\n\n在看\n")
    assert body(doc) == ["正文。", "结尾一句。"]
    kinds = [d.kind for d in doc.dropped]
    assert kinds.count("ad") == 1 and kinds.count("page-tail") == 5


def test_a_long_paragraph_after_a_ui_word_is_text():
    long = "微信扫一扫这个功能改变了支付习惯，" * 5 + "这是正文。"
    doc = md(f"# T\n\n{long}\n")
    assert body(doc) == [long]
