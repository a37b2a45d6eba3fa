"""Word -> PDF with LibreOffice in headless mode.

Every conversion runs a new soffice with its own profile: two soffice processes sharing one
profile fail silently (exit 1, no PDF). soffice runs in its own process group so a timeout kills
oosplash and soffice.bin together. FONTCONFIG_FILE points at a fonts.conf made from the system
configuration plus the project's aliases for the official faces.

Work folders (profile, input, output) live under the project's runtime folder, named after the
process that made them, with the soffice process group written beside them. A worker process
killed mid-conversion cleans up nothing itself; the next conversion or worker start in this
checkout ends the orphaned soffice and removes its folder (sweep_orphaned_work_dirs).
"""

import contextlib
import functools
import importlib.metadata
import importlib.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
import xmlrpc.client
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from django.conf import settings
from django.utils.translation import gettext as _

ALIAS_FILE = Path(__file__).resolve().parent / "fonts" / "65-sdce-official-faces.conf"
SYSTEM_FONTS_CONF = "/etc/fonts/fonts.conf"
# The names Word files use for 仿宋; settings.DOCUMENTS_FANGSONG_FACE, when set, goes first for them.
FANGSONG_NAMES = ("仿宋_GB2312", "仿宋", "仿宋体", "FangSong", "FangSong_GB2312", "STFangsong", "华文仿宋")


class ConversionError(Exception):
    """A PDF could not be made. `retryable` says whether trying again may help."""

    retryable = True


class LibreOfficeUnavailable(ConversionError):
    retryable = False


@functools.cache
def fontconfig_file() -> Path:
    """A fonts.conf including the system config and our alias file (fontconfig has no portable
    relative include, so it is written once per process with absolute paths). It lives in this
    checkout's runtime folder: another checkout on the machine has its own alias file path."""
    directory = Path(settings.RUNTIME_DIR) / "fontconfig"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / "fonts.conf"
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{SYSTEM_FONTS_CONF}</include>\n'
        f"{_fangsong_preference()}"
        f"  <include>{ALIAS_FILE}</include>\n"
        "</fontconfig>\n"
    )
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


def _fangsong_preference() -> str:
    """No free simplified-Chinese FangSong face is packaged in Debian, PyPI or npm (see
    docs/documents.md), so the one standing in for 仿宋 is a setting: an operator who has a
    licensed or better face installed names it here, ahead of the alias file's substitute."""
    face = xml_escape(settings.DOCUMENTS_FANGSONG_FACE.strip())
    if not face:
        return ""
    return "".join(
        f'  <alias binding="strong"><family>{name}</family><prefer><family>{face}</family></prefer></alias>\n'
        for name in FANGSONG_NAMES
    )


def fontconfig_env() -> dict[str, str]:
    return {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file())}


def work_root() -> Path:
    return Path(settings.RUNTIME_DIR) / "libreoffice"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_orphaned_work_dirs() -> int:
    """End the soffice of every work folder whose owning process is gone, and remove the folder.
    How many were swept."""
    root = work_root()
    if not root.is_dir():
        return 0
    swept = 0
    for directory in root.iterdir():
        owner = directory.name.split("-", 1)[0]
        if not owner.isdigit() or _pid_alive(int(owner)):
            continue
        pgid_file = directory / "pgid"
        with contextlib.suppress(OSError, ValueError):
            os.killpg(int(pgid_file.read_text()), signal.SIGKILL)
        shutil.rmtree(directory, ignore_errors=True)
        swept += 1
    return swept


@contextlib.contextmanager
def conversion_folder():
    """A private folder for one conversion, removed afterwards (or by the sweep if we die)."""
    sweep_orphaned_work_dirs()
    directory = work_root() / f"{os.getpid()}-{uuid.uuid4().hex}"
    directory.mkdir(mode=0o700, parents=True)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _note_process_group(directory: Path, process: subprocess.Popen) -> None:
    (directory / "pgid").write_text(str(process.pid))


def soffice_binary() -> str | None:
    return shutil.which(settings.LIBREOFFICE_BINARY)


def libreoffice_available() -> bool:
    return soffice_binary() is not None


def docx_to_pdf(docx: bytes, *, timeout: float | None = None) -> bytes:
    """Convert one .docx (bytes) to PDF (bytes) with a fresh soffice and a fresh profile."""
    binary = soffice_binary()
    if binary is None:
        raise LibreOfficeUnavailable(_("服务器未安装 LibreOffice，暂时无法生成 PDF 版，请先下载 Word 版。"))
    timeout = timeout if timeout is not None else settings.LIBREOFFICE_TIMEOUT
    with conversion_folder() as work_dir:
        source = work_dir / "document.docx"
        source.write_bytes(docx)
        out_dir = work_dir / "out"
        out_dir.mkdir()
        profile = (work_dir / "profile").as_uri()
        command = [
            binary,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**fontconfig_env(), "HOME": str(work_dir)},
            cwd=work_dir,
            start_new_session=True,
        )
        _note_process_group(work_dir, process)
        try:
            _stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConversionError(
                _("LibreOffice 转换 PDF 超时（%(s)s 秒），已终止。请稍后重试。") % {"s": timeout}
            ) from None
        finally:
            # soffice.bin may outlive oosplash; nothing of this conversion may keep running.
            _kill_group(process)
        result = out_dir / "document.pdf"
        if process.returncode != 0 or not result.exists():
            detail = stderr.decode("utf-8", "replace").strip()[-300:]
            raise ConversionError(
                _("LibreOffice 转换 PDF 失败（退出码 %(code)s）：%(detail)s")
                % {"code": process.returncode, "detail": detail or "-"}
            )
        pdf = result.read_bytes()
        if not pdf.startswith(b"%PDF-"):
            raise ConversionError(_("LibreOffice 生成的文件不是有效的 PDF。"))
        return pdf


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


# Warm conversion: one LibreOffice kept running by unoserver for a batch (a unit's package of
# up to a dozen PDFs), where it pays: a cold soffice spends most of its ~1.5 s starting up.
# unoserver's server must run under Debian's python3 (it imports python3-uno); its client runs
# in the project's venv. Each warm instance has its own temporary profile and ports.


def _unoserver_shim(directory: Path) -> Path:
    """A PYTHONPATH holding only the unoserver package (and its metadata) from the venv, so the
    system python imports it without the venv's other packages built for another interpreter."""
    dist = importlib.metadata.distribution("unoserver")
    shim = directory / "pythonpath"
    shim.mkdir()
    package = Path(dist.locate_file("unoserver"))
    (shim / "unoserver").symlink_to(package)
    metadata_dir = Path(dist._path)  # the .dist-info directory
    (shim / metadata_dir.name).symlink_to(metadata_dir)
    return shim


@functools.cache
def unoserver_available() -> bool:
    """unoserver is installed in the venv and the system python has python3-uno."""
    if importlib.util.find_spec("unoserver") is None or soffice_binary() is None:
        return False
    python = settings.UNOSERVER_PYTHON
    if not python or not Path(python).exists():
        return False
    probe = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30)
    return probe.returncode == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def warm_converter(*, timeout: float | None = None):
    """Yield `convert(docx: bytes) -> bytes` backed by one warm LibreOffice (unoserver).

    Raises LibreOfficeUnavailable if unoserver can't be used, ConversionError if it does not
    come up or a conversion fails; the whole server process group is killed on exit.
    """
    if not unoserver_available():
        raise LibreOfficeUnavailable(_("未配置常驻 LibreOffice（unoserver），请使用单次转换。"))
    from unoserver.client import UnoClient  # noqa: PLC0415 -- the unoserver client is loaded only when a warm converter starts

    # The client logs every request at INFO.
    logging.getLogger("unoserver").setLevel(logging.WARNING)

    timeout = timeout if timeout is not None else settings.LIBREOFFICE_TIMEOUT
    with conversion_folder() as work_dir:
        port, uno_port = _free_port(), _free_port()
        command = [
            settings.UNOSERVER_PYTHON,
            "-m",
            "unoserver.server",
            "--interface=127.0.0.1",
            f"--port={port}",
            f"--uno-port={uno_port}",
            f"--executable={soffice_binary()}",
            f"--user-installation={work_dir / 'profile'}",
            f"--conversion-timeout={int(timeout)}",
            "--quiet",
        ]
        try:
            shim = _unoserver_shim(work_dir)
        except (OSError, AttributeError, ImportError) as exc:
            raise ConversionError(_("常驻 LibreOffice（unoserver）无法启动：%(e)s") % {"e": exc}) from exc
        env = {**fontconfig_env(), "HOME": str(work_dir), "PYTHONPATH": str(shim)}
        process = subprocess.Popen(
            command, env=env, cwd=work_dir, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _note_process_group(work_dir, process)
        client = UnoClient(server="127.0.0.1", port=str(port), host_location="remote")
        try:
            _wait_until_ready(process, client, deadline=time.monotonic() + timeout)

            def convert(docx: bytes) -> bytes:
                if process.poll() is not None:
                    raise ConversionError(_("常驻 LibreOffice 已退出。"))
                try:
                    pdf = client.convert(indata=docx, convert_to="pdf", filtername="writer_pdf_Export")
                except Exception as exc:
                    raise ConversionError(_("常驻 LibreOffice 转换 PDF 失败：%(e)s") % {"e": exc}) from exc
                if not pdf or not pdf.startswith(b"%PDF-"):
                    raise ConversionError(_("LibreOffice 生成的文件不是有效的 PDF。"))
                return pdf

            yield convert
        finally:
            _kill_group(process)


def _wait_until_ready(process, client, *, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConversionError(_("常驻 LibreOffice（unoserver）启动失败。"))
        try:
            with xmlrpc.client.ServerProxy(f"http://127.0.0.1:{client.port}", allow_none=True) as proxy:
                proxy.info()
            return
        except (OSError, xmlrpc.client.Error):
            time.sleep(0.2)
    raise ConversionError(_("常驻 LibreOffice（unoserver）启动超时。"))
