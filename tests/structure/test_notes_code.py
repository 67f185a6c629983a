from pipeline.model import ParagraphKind
from tests.structure.helpers import body, md


def test_editor_note_is_a_footnote():
    doc = md("# T\n\n系统 2 很慢。\n\n注：来自《思考，快与慢》。\n")
    assert body(doc) == ["系统 2 很慢。"]
    assert doc.notes[0].segment.source == "来自《思考，快与慢》。" and doc.notes[0].anchor == "0.1.1"


def test_code_block_verbatim_and_not_translatable():
    doc = md("# T\n\n安装：\n\n```bash\npip install x  # 安装依赖\n张三：不是说话人\n```\n\n完成。\n")
    code = [p for s in doc.sections for p in s.paragraphs if p.kind == ParagraphKind.CODE]
    assert code[0].verbatim == "pip install x  # 安装依赖\n张三：不是说话人"
    assert code[0].language == "bash" and code[0].segments == []
    assert "安装依赖" not in "".join(s.source for s in doc.segments())
    assert doc.speakers == []


def test_table_cells_segmented_grid_kept():
    doc = md("# T\n\n| 模型 | 说明 |\n|---|---|\n| GLM | 开源。可商用。 |\n| Qwen | 也开源。 |\n")
    table = doc.sections[0].paragraphs[0]
    assert table.kind == ParagraphKind.TABLE
    rows = [[[s.source for s in cell] for cell in row] for row in table.table_rows()]
    assert rows == [[["模型"], ["说明"]], [["GLM"], ["开源。", "可商用。"]], [["Qwen"], ["也开源。"]]]
    assert "可商用。" in [s.source for s in doc.segments()]
