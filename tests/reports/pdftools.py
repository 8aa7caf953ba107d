"""Reading back the PDFs we write, with poppler-utils (pdftotext, pdffonts, pdfinfo)."""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pages(path: Path) -> list[str]:
    """The text of every page, laid out as printed."""
    return _run("pdftotext", "-layout", str(path), "-").split("\f")[:-1]


def flat(path: Path) -> str:
    """All text in reading order (row by row), without spaces or line breaks."""
    return squash(_run("pdftotext", "-layout", str(path), "-"))


def squash(text: str) -> str:
    """Text without whitespace (pdftotext may drop or add spaces between CJK characters)."""
    return re.sub(r"\s+", "", text)


def fonts(path: Path) -> list[dict]:
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    out = []
    for line in lines:
        parts = line.split()
        # name type [type words] encoding emb sub uni object ID
        out.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return out


def page_size(path: Path) -> tuple[float, float]:
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", _run("pdfinfo", str(path)))
    return float(m.group(1)), float(m.group(2))


@dataclass
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def words(path: Path) -> tuple[tuple[float, float], list[Word]]:
    """(page width, height) and every word with its box, in points from the top left."""
    html = _run("pdftotext", "-bbox", str(path), "-")
    size = tuple(float(v) for v in _PAGE.search(html).groups())
    out = []
    for number, chunk in enumerate(html.split("<page ")[1:], start=1):
        out += [Word(number, float(a), float(b), float(c), float(d), t) for a, b, c, d, t in _WORD.findall(chunk)]
    return size, out
