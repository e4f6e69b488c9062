"""The comparison report as one self-contained HTML file, for a browser or QGIS to open.

A converter for exactly the Markdown subset ``report.render`` writes (headings, paragraphs,
``> **Warning:**`` lines, pipe tables, ``- `` lists, images, ``**bold**`` and `` `code` ``);
figures are embedded as data URIs so the file can be moved or mailed alone. Every piece of
text is HTML-escaped before markup is added.
"""

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

_STYLE = """body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.2em .5em;
text-align:right}td:first-child,th:first-child{text-align:left}th{background:#eee}
blockquote{border-left:.4em solid #c60;background:#fff4e5;margin:.5em 0;padding:.4em .8em}
blockquote.critical{border-color:#b00;background:#fdecec}img{max-width:100%}"""


def _inline(text: str) -> str:
    html = escape(text)
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", html)


def _image(alt: str, target: str, folder: Path) -> str:
    path = folder / target
    if path.suffix.lower() == ".png" and path.is_file() and path.parent == folder:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'<p><img alt="{escape(alt)}" src="data:image/png;base64,{data}"></p>'
    return f"<p>[{escape(alt)}: figure not found]</p>"


def _table(rows: list[str]) -> str:
    cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
    head, body = cells[0], cells[2:]  # cells[1] is the |---| rule
    out = ["<table>", "<tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in body]
    return "\n".join([*out, "</table>"])


def markdown_to_html(text: str, folder: Path, title: str) -> str:
    """HTML of the report ``text``; images are read from ``folder``."""
    blocks: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            start = i
            while i < len(lines) and lines[i].startswith("|"):
                i += 1
            blocks.append(_table(lines[start:i]))
            continue
        if line.startswith("- "):
            items = []
            while i < len(lines) and lines[i].startswith("- "):
                items.append(f"<li>{_inline(lines[i][2:])}</li>")
                i += 1
            blocks.append("<ul>" + "".join(items) + "</ul>")
            continue
        heading = re.match(r"(#{1,6}) (.*)", line)
        image = re.fullmatch(r"!\[(.*?)\]\((.*?)\)", line.strip())
        if heading:
            level = len(heading.group(1))
            blocks.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif image:
            blocks.append(_image(image.group(1), image.group(2), folder))
        elif line.startswith("> "):
            kind = "critical" if "Critical" in line[:20] else "warning"
            blocks.append(f'<blockquote class="{kind}">{_inline(line[2:])}</blockquote>')
        elif line.strip():
            blocks.append(f"<p>{_inline(line)}</p>")
        i += 1
    body = "\n".join(blocks)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n"
        "</body>\n</html>\n"
    )
