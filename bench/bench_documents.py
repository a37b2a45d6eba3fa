"""Documents benchmark: documents per second for Word and for PDF.

    .venv/bin/python -m bench documents            # BENCH_DOCUMENTS=N documents per measurement (default 12)

Word: python-docx generation of the six kinds (samples in documents/samples.py), in-process.
PDF cold: a new soffice with a new temporary profile per document (documents.conversion, what
the Celery task does). PDF warm: one long-running LibreOffice (unoserver) converting every
document, measured only when unoserver is usable (UNOSERVER_PYTHON with python3-uno; see
docs/documents.md); otherwise the benchmark says so. Nothing is stored; no database is needed.

`python -m bench.bench_documents screenshots` writes the first page of each document as a
small PNG (pdftoppm -r 60) to docs/screenshots/.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()


def _docx_all():
    from documents import generators, samples

    return [(kind, getattr(generators, kind)(make())) for kind, make in samples.ALL.items()]


def _rate(count: int, seconds: float) -> str:
    return f"{count} docs in {seconds:.2f} s = {count / seconds:.2f} docs/s"


def run():
    _setup()
    from documents import conversion, generators, samples

    n = int(os.environ.get("BENCH_DOCUMENTS", "12"))
    kinds = list(samples.ALL.items())
    started = time.perf_counter()
    docs = []
    for i in range(n * 5):
        kind, make = kinds[i % len(kinds)]
        docs.append(getattr(generators, kind)(make()))
    print(f"Word (python-docx):      {_rate(len(docs), time.perf_counter() - started)}")
    if not conversion.libreoffice_available():
        print("PDF: LibreOffice not installed, skipped")
        return
    started = time.perf_counter()
    for docx in docs[:n]:
        conversion.docx_to_pdf(docx)
    print(f"PDF cold (soffice/doc):  {_rate(n, time.perf_counter() - started)}")
    if not conversion.unoserver_available():
        print("PDF warm (unoserver):    not measured (unoserver not available; see docs/documents.md)")
        return
    with conversion.warm_converter() as convert:
        convert(docs[0])  # the first conversion loads Writer
        started = time.perf_counter()
        for docx in docs[:n]:
            convert(docx)
        print(f"PDF warm (unoserver):    {_rate(n, time.perf_counter() - started)}")


def screenshots(out_dir: str = "docs/screenshots") -> None:
    _setup()
    from documents import conversion

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for kind, docx in _docx_all():
            pdf = Path(tmp) / f"{kind}.pdf"
            pdf.write_bytes(conversion.docx_to_pdf(docx))
            target = out / f"documents-{kind}"
            subprocess.run(
                ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf), str(target)], check=True
            )
            print(f"{target}.png")


if __name__ == "__main__":
    if sys.argv[1:2] == ["screenshots"]:
        screenshots(*sys.argv[2:3])
    else:
        run()
