"""MkDocs hook: ship Noto Sans SC with the site, so Chinese reads on a machine without a
CJK font (CI's, many readers' Linux), offline.

The font comes from the npm package ``@fontsource/noto-sans-sc`` (pinned in
``package.json``, installed by ``npm ci``), which splits each weight into ~100 woff2
slices by ``unicode-range``; a browser fetches only the slices whose characters a page
shows.  At build time this hook

* collects the CJK characters of every built page (``on_post_page``), and
* writes ``assets/fonts/noto-sans-sc/noto-sans-sc.css`` with the ``@font-face`` rules of
  weights 400 and 700 whose ranges hold a character the site uses, each range cut down to
  CJK code points (so Latin text keeps the theme's fonts), copies those slices and the
  font's licence (SIL OFL 1.1) next to it (``on_post_build``).

``docs/stylesheets/cjk.css`` puts the family in Material's font stacks.  Nothing is fetched
from outside the site.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.cjk_font")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "@fontsource" / "noto-sans-sc"
FAMILY = "Noto Sans SC"
WEIGHTS = (400, 700)
OUT = Path("assets") / "fonts" / "noto-sans-sc"
CSS_NAME = "noto-sans-sc.css"
# CJK punctuation, kana, unified ideographs (and extension A), compatibility ideographs,
# vertical/compatibility forms, full-width forms, and the supplementary ideograph planes.
CJK_RANGES = [(0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3040, 0x30FF), (0x3100, 0x31BF),
              (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
              (0xFF00, 0xFFEF), (0x20000, 0x3FFFF)]
CJK = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in CJK_RANGES) + "]")
FACE = re.compile(r"@font-face\s*\{(?P<body>[^}]*)\}", re.S)

USED: set[str] = set()


def parse_ranges(text: str) -> list[tuple[int, int]]:
    """``U+4e00-4e0f,U+5000`` -> ``[(0x4e00, 0x4e0f), (0x5000, 0x5000)]``."""
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part.upper().startswith("U+"):
            raise PluginError(f"unexpected unicode-range item {part!r} in {PACKAGE}")
        lo, _, hi = part[2:].partition("-")
        out.append((int(lo, 16), int(hi or lo, 16)))
    return out


def intersect(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for a, b in ranges:
        for c, d in CJK_RANGES:
            lo, hi = max(a, c), min(b, d)
            if lo <= hi:
                out.append((lo, hi))
    return out


def format_ranges(ranges: list[tuple[int, int]]) -> str:
    return ",".join(f"U+{a:x}" if a == b else f"U+{a:x}-{b:x}" for a, b in ranges)


def faces(weight: int) -> list[dict]:
    """The package's ``@font-face`` rules of one weight: file, CJK ranges."""
    css = PACKAGE / f"{weight}.css"
    if not css.is_file():
        raise PluginError(f"{css} is missing: run `npm ci` (package.json pins "
                          "@fontsource/noto-sans-sc), or `make setup`")
    out = []
    for m in FACE.finditer(css.read_text(encoding="utf-8")):
        body = m.group("body")
        src = re.search(r"url\(\./files/(?P<f>[^)]+\.woff2)\)", body)
        rng = re.search(r"unicode-range:\s*(?P<r>[^;]+);", body)
        if not src or not rng:
            raise PluginError(f"unexpected @font-face rule in {css}: {body.strip()[:120]!r}")
        cjk = intersect(parse_ranges(rng.group("r")))
        if cjk:
            out.append({"file": src.group("f"), "ranges": cjk, "weight": weight})
    return out


def covers(face: dict, chars: set[str]) -> bool:
    return any(a <= ord(ch) <= b for ch in chars for a, b in face["ranges"])


def on_pre_build(config) -> None:
    USED.clear()


def on_post_page(output: str, page, config) -> str:
    USED.update(CJK.findall(output))
    return output


def on_post_build(config) -> None:
    dest = Path(config["site_dir"]) / OUT
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    rules, total = [], 0
    for weight in WEIGHTS:
        for face in faces(weight):
            if not covers(face, USED):
                continue
            shutil.copy2(PACKAGE / "files" / face["file"], dest / face["file"])
            total += (dest / face["file"]).stat().st_size
            rules.append(
                "@font-face {\n"
                f"  font-family: '{FAMILY}';\n  font-style: normal;\n"
                f"  font-weight: {weight};\n  font-display: swap;\n"
                f"  src: url(./{face['file']}) format('woff2');\n"
                f"  unicode-range: {format_ranges(face['ranges'])};\n"
                "}\n")
    header = (f"/* {FAMILY} (@fontsource/noto-sans-sc), weights {', '.join(map(str, WEIGHTS))}:"
              f" the {len(rules)} slices that hold the site's {len(USED)} CJK characters,"
              " cut to CJK code points. SIL Open Font License 1.1: see LICENSE.txt. */\n")
    (dest / CSS_NAME).write_text(header + "".join(rules), encoding="utf-8")
    shutil.copy2(PACKAGE / "LICENSE", dest / "LICENSE.txt")
    log.info("cjk_font: %d slices (%.0f kB) of %s for %d CJK characters",
             len(rules), total / 1024, FAMILY, len(USED))
