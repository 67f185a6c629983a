from tests.structure.helpers import body, md, turns, txt


def test_plain_labels_that_alternate_are_speakers():
    doc = md("# T\n\n张小珺：第一问？\n\n李广密：答一。\n\n接着说。\n\n张小珺：第二问？\n\n李广密 ：答二。\n")
    assert turns(doc) == {"张小珺": 2, "李广密": 2}
    paras = doc.sections[0].paragraphs
    assert paras[2].speaker == "李广密" and not paras[2].turn_start  # continuation keeps it
    assert body(doc)[0] == "第一问？"


def test_bold_term_defined_once_is_not_a_speaker():
    doc = md("# T\n\n**张三**：问？\n\n**李四**：答。\n\n**Pass@k**：指 k 次里有一次对。\n\n"
             "**张三**：再问？\n\n**李四**：再答。\n")
    assert doc.speakers == ["张三", "李四"]
    assert "Pass@k：指 k 次里有一次对。" in body(doc)


def test_repeated_lead_in_alone_is_not_a_speaker():
    doc = md("# T\n\n**划重点：**第一点。\n\n正文。\n\n**划重点：**第二点。\n")
    assert doc.speakers == []


def test_header_names_given_name_short_form():
    doc = md("# T\n\n主持人：李广密\n\n嘉宾：杨植麟\n\n广密：问题？\n\n杨植麟：回答。\n")
    assert turns(doc) == {"李广密": 1, "杨植麟": 1}
    para = doc.sections[0].paragraphs[0]
    assert para.label == "广密" and para.speaker == "李广密"


def test_latin_names_and_label_alone_on_its_line():
    doc = md("# T\n\n**Founder Park：**\n\n问题？\n\n**Sam Altman:** Yes.\n\n"
             "**Founder Park：**\n\n再问？\n\n**Sam Altman:** No.\n")
    assert turns(doc) == {"Founder Park": 2, "Sam Altman": 2}
    assert body(doc) == ["问题？", "Yes.", "再问？", "No."]


def test_plain_text_without_blank_lines():
    doc = txt("张鹏：第一问？\n鲍凡：答一。\n继续答。\n张鹏：第二问？\n鲍凡：答二。\n")
    assert turns(doc) == {"张鹏": 2, "鲍凡": 2}
    assert len(body(doc)) == 5


def test_enumerations_are_not_speakers():
    doc = md("# T\n\n第一：快。\n\n第二：准。\n\n第一：便宜。\n\n第二：好用。\n")
    assert doc.speakers == []


def test_markdown_lines_without_blank_lines_between_turns_and_metadata():
    doc = md("# T\n\n作者：王五\n编辑：赵六\n\n张三：问？\n李四：答。\n张三：再问？\n李四：再答。\n")
    assert turns(doc) == {"张三": 2, "李四": 2}
    assert body(doc) == ["问？", "答。", "再问？", "再答。"]
    assert doc.metadata.author == "王五" and doc.metadata.extra["编辑"] == "赵六"


def test_wholly_bold_labelled_lines_are_lead_ins_not_a_conversation():
    """`**捍卫者：…**` / `**观点：…**` alternate and recur, but every such line is bold through and
    through: an article's bold lead-ins. A conversation has a voice speaking in plain text."""
    doc = md("# T\n\n**正方：月之暗面创始人杨植麟**\n\n**观点：闭源模型会持续领先。**\n\n"
             "正文说明。\n\n**反方：阿里云CTO周靖人**\n\n**观点：开源拉平了差距。**\n\n"
             "**总结：** 开源是远期理想。\n")
    assert doc.speakers == []
    assert "观点：闭源模型会持续领先。" in body(doc)
    # the sample's layout stays a conversation: the host asks in bold, the guests answer plain
    talk = md("# T\n\n**张鹏：第一问？**\n\n**姜大昕**：答一。\n\n**张鹏：第二问？**\n\n"
              "**姜大昕**：答二。\n")
    assert turns(talk) == {"张鹏": 2, "姜大昕": 2}


def test_a_question_answered_by_another_voice_makes_one_turn_speakers():
    """A transcript excerpt where each voice speaks once: the asking turn and the answer."""
    doc = txt("標題\n以下是對話實錄:\nDevin Coldewey:感謝你能參與!你的公司如何定義「抄襲」?這有點突然。\n"
              "Aravind Srinivas:其實你可以直接問Perplexity。\n")
    assert turns(doc) == {"Devin Coldewey": 1, "Aravind Srinivas": 1}
    assert body(doc)[-1] == "其实你可以直接问Perplexity。"  # source text is Simplified
    # the asking turn may run over paragraphs: the one just before the answer asks
    doc = md("# T\n\n王五：先说背景。\n\n所以你怎么看？\n\n赵六：我看好。\n")
    assert turns(doc) == {"王五": 1, "赵六": 1}


def test_one_off_labels_that_ask_nobody_or_are_split_by_a_heading_are_not_speakers():
    # definitions one after another: nobody asks, nobody answers
    doc = md("# T\n\n优点：快。\n\n缺点：贵。\n")
    assert doc.speakers == []
    # a lead-in that asks, then a heading before the next label: not one turn answering another
    doc = md("# T\n\n编者按：AI 会取代人吗？\n\n## 一\n\n杨植麟：我认为不会。\n")
    assert doc.speakers == []
    assert "编者按：AI 会取代人吗？" in body(doc)
    # wholly bold labelled lines are lead-ins even when one asks
    doc = md("# T\n\n**观点：开源会赢吗？**\n\n**总结：不会。**\n")
    assert doc.speakers == []


def test_readers_asking_one_author_once_each_are_speakers():
    """A Q&A session: one voice answers the questions of several labels, each asking once,
    under handles that are not name-shaped."""
    doc = txt("Lucia122:你為啥更物質一些呢?\n負二:因為我是80后。\n神婆依依:你的靈感來自哪裡?\n"
              "負二:來自編故事的欲望。\n")
    assert turns(doc) == {"Lucia122": 1, "负二": 2, "神婆依依": 1}
    assert body(doc) == ["你为啥更物质一些呢?", "因为我是80后。", "你的灵感来自哪里?", "来自编故事的欲望。"]


def test_one_label_answering_a_single_asker_or_no_question_is_not_a_session():
    # handles that are not name-shaped, one question answered once: not enough to be a session
    doc = txt("Lucia122:你為啥更物質一些呢?\n負二:因為我是80后。\n")
    assert doc.speakers == []
    # the same label after several one-off labels that ask nothing: notes, not answers
    doc = md("# T\n\n小贴士一：多喝水。\n\n说明：见上。\n\n小贴士二：早睡。\n\n说明：见上。\n")
    assert doc.speakers == []
