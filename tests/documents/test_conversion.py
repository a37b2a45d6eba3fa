"""PDF with LibreOffice for real: fonts embedded, Chinese extractable, hangs killed, clear errors."""

import shutil
import subprocess
import time

import pytest

from documents import conversion, generators, samples
from documents.conversion import ConversionError, LibreOfficeUnavailable, docx_to_pdf

from .helpers import needs_libreoffice, pdf_fonts, pdf_text

CJK_SUBSTITUTES = ("NotoSerifCJK", "UMingCN", "UKaiCN", "NotoSansCJK")


def fake_soffice(tmp_path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_fontconfig_aliases_map_the_official_faces_to_the_free_substitutes():
    env = conversion.fontconfig_env()
    expected = {
        "方正小标宋简体": "Noto Serif CJK SC:style=Bold",
        r"FZXiaoBiaoSong\-B05S": "Noto Serif CJK SC:style=Bold",
        "仿宋_GB2312": "AR PL UMing CN",
        "FangSong": "AR PL UMing CN",
        "楷体_GB2312": "AR PL UKai CN",
        "KaiTi": "AR PL UKai CN",
        "黑体": "Noto Sans CJK SC",
        "SimHei": "Noto Sans CJK SC",
    }
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig (fc-match) not installed")
    for family, face in expected.items():
        found = subprocess.run(
            ["fc-match", family, "family", "style"], env=env, capture_output=True, text=True, check=True
        ).stdout
        assert found.startswith(face.split(":")[0]), (family, found)
        if ":" in face:
            assert "Bold" in found


@pytest.mark.libreoffice
@needs_libreoffice
@pytest.mark.parametrize("kind", sorted(samples.ALL))
def test_pdf_embeds_cjk_fonts_and_chinese_text_is_extractable(kind, tmp_path):
    docx = generators.__dict__[kind](samples.ALL[kind]())
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(docx_to_pdf(docx))
    fonts = pdf_fonts(pdf)
    lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert lines, fonts
    cjk = [line for line in lines if any(name in line for name in CJK_SUBSTITUTES)]
    assert cjk, fonts
    for line in cjk:
        assert " yes yes yes " in line or line.split()[-5] == "yes", line  # emb sub uni
    text = pdf_text(pdf).replace(" ", "")
    first_line = {
        "attachment1": "2022年度卫生健康行业继续教育指南",
        "attachment2": "继续教育学习平台信息统计表",
        "attachment3": "优质在线公需课推荐表",
        "attachment4": "知识产权保护承诺书",
        "hours_certificate": "专业技术人员继续教育学时证明",
        "teacher_certificate": "优秀师资特聘证书",
    }[kind]
    assert first_line in text


@pytest.mark.libreoffice
@needs_libreoffice
def test_each_official_face_is_embedded_as_its_own_substitute(tmp_path):
    pdf = tmp_path / "guide.pdf"
    pdf.write_bytes(docx_to_pdf(generators.attachment1(samples.guide())))
    fonts = pdf_fonts(pdf)
    assert "NotoSerifCJK" in fonts and "Bold" in fonts  # 方正小标宋 title
    assert "UKaiCN" in fonts  # 楷体 unit name and level-2 headings
    assert "UMingCN" in fonts  # 仿宋 body
    assert "NotoSansCJK" in fonts  # 黑体 level-1 headings


@pytest.mark.libreoffice
@needs_libreoffice
def test_non_bmp_text_reaches_the_pdf_text_layer(tmp_path):
    from documents.data import GuideDoc, GuideSection

    guide = GuideDoc(2022, "部门", (GuideSection(1, "学习内容", "生僻字𠀀测试"),))
    pdf = tmp_path / "g.pdf"
    pdf.write_bytes(docx_to_pdf(generators.attachment1(guide)))
    assert "生僻字𠀀测试" in pdf_text(pdf).replace(" ", "")
    has_ext_b_font = subprocess.run(["fc-list", ":charset=20000", "family"], capture_output=True, text=True).stdout
    if has_ext_b_font.strip():  # fonts-hanazono (scripts/system-deps.sh): the glyph is drawn, not a box
        assert "HanaMin" in pdf_fonts(pdf)


@pytest.mark.libreoffice
@needs_libreoffice
def test_two_conversions_at_once_each_get_their_own_profile_and_both_succeed(tmp_path):
    """Two soffice sharing one profile fail silently (exit 1, no PDF): each conversion has its own."""
    from concurrent.futures import ThreadPoolExecutor

    docs = [generators.attachment4(samples.pledge()), generators.attachment2(samples.platforms())]
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(docx_to_pdf, docs))
    for name, pdf in zip(("a4", "a2"), pdfs, strict=True):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        assert pdf.startswith(b"%PDF-")
    assert "知识产权保护承诺书" in pdf_text(tmp_path / "a4.pdf").replace(" ", "")
    assert "继续教育学习平台信息统计表" in pdf_text(tmp_path / "a2.pdf").replace(" ", "")


def test_without_libreoffice_pdf_fails_with_a_clear_chinese_message(settings):
    settings.LIBREOFFICE_BINARY = "/nonexistent/soffice"
    with pytest.raises(LibreOfficeUnavailable, match="未安装 LibreOffice"):
        docx_to_pdf(generators.attachment4(samples.pledge()))


def test_hanging_libreoffice_is_killed_with_its_process_group_at_the_timeout(settings, tmp_path):
    pid_file = tmp_path / "child.pid"
    # The fake starts a child (like oosplash starts soffice.bin) and both hang.
    settings.LIBREOFFICE_BINARY = fake_soffice(tmp_path, f"sleep 300 & echo $! > {pid_file}\nwait")
    # "超时" is the proof the timeout fired: an unkilled fake would sleep 300 s and then fail otherwise.
    with pytest.raises(ConversionError, match="超时"):
        docx_to_pdf(b"not used", timeout=1)
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    """Running, not a zombie (an orphan killed here may wait for a container's init to reap it)."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            state = next(line for line in status if line.startswith("State:"))
    except FileNotFoundError:
        return False
    return "Z" not in state.split()[1]


def test_crashing_libreoffice_fails_with_its_exit_code(settings, tmp_path):
    settings.LIBREOFFICE_BINARY = fake_soffice(tmp_path, "echo 'boom' >&2\nexit 81")
    with pytest.raises(ConversionError, match="退出码 81") as info:
        docx_to_pdf(b"x", timeout=5)
    assert info.value.retryable


def test_exit_zero_without_a_pdf_is_a_failure_not_an_empty_file(settings, tmp_path):
    settings.LIBREOFFICE_BINARY = fake_soffice(tmp_path, "exit 0")
    with pytest.raises(ConversionError):
        docx_to_pdf(b"x", timeout=5)


needs_unoserver = pytest.mark.skipif(not conversion.unoserver_available(), reason="unoserver or python3-uno missing")


@pytest.mark.libreoffice
@needs_libreoffice
@needs_unoserver
def test_warm_libreoffice_converts_several_documents_with_the_same_fonts(tmp_path):
    docs = [generators.attachment1(samples.guide()), generators.attachment4(samples.pledge())]
    with conversion.warm_converter(timeout=120) as convert:
        pdfs = [convert(d) for d in docs]
    for i, pdf in enumerate(pdfs):
        path = tmp_path / f"{i}.pdf"
        path.write_bytes(pdf)
        assert "UMingCN" in pdf_fonts(path)
    assert "知识产权保护承诺书" in pdf_text(tmp_path / "1.pdf").replace(" ", "")


def test_warm_converter_without_unoserver_is_refused_clearly(settings):
    settings.UNOSERVER_PYTHON = ""
    conversion.unoserver_available.cache_clear()
    try:
        with pytest.raises(LibreOfficeUnavailable, match="unoserver"), conversion.warm_converter():
            pass
    finally:
        conversion.unoserver_available.cache_clear()


def test_the_face_standing_in_for_fangsong_is_configurable(settings, tmp_path):
    """No free simplified FangSong is packaged (docs/documents.md): an operator names the face."""
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig (fc-match) not installed")
    settings.RUNTIME_DIR = tmp_path / "var"
    settings.DOCUMENTS_FANGSONG_FACE = "AR PL UKai CN"
    conversion.fontconfig_file.cache_clear()
    try:
        env = conversion.fontconfig_env()
        for family, face in (("仿宋_GB2312", "AR PL UKai CN"), ("FangSong", "AR PL UKai CN"), ("黑体", "Noto Sans")):
            found = subprocess.run(
                ["fc-match", family, "family"], env=env, capture_output=True, text=True, check=True
            ).stdout
            assert found.startswith(face), (family, found)
    finally:
        conversion.fontconfig_file.cache_clear()
