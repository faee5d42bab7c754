"""A digest as a newsletter a person can read: Markdown, or one self-contained HTML page
(every value escaped, no external asset, no script)."""

from __future__ import annotations

import html

from .types import Digest, Story

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
          "line-height:1.5;color:#222}article{border-top:1px solid #ddd;padding:1rem 0}"
          "h2{font-size:1.2rem;margin:.2rem 0}.meta{color:#666;font-size:.85rem}"
          "sup{color:#666}.errors{color:#a00}")


def _markdown_text(text: str) -> str:
    """``text`` on one line with Markdown's inline markup (and HTML) escaped."""
    escaped = "".join("\\" + ch if ch in "\\`*_[]<>|" else ch for ch in " ".join(text.split()))
    return "\\" + escaped if escaped[:1] in ("#", "-", "+", ">") else escaped


def _meta(story: Story) -> str:
    parts = [f"{len(story.documents)} article{'s' if len(story.documents) != 1 else ''}"]
    if story.sources:
        parts.append("sources: " + ", ".join(story.sources))
    if story.duplicates:
        parts.append(f"{len(story.duplicates)} duplicate{'s' if len(story.duplicates) != 1 else ''}")
    if story.published:
        parts.append(story.published)
    return " · ".join(parts)


def render_markdown(digest: Digest, title: str = "Digest") -> str:
    """The digest in Markdown: a section per story, each sentence footnoted with its article."""
    lines = [f"# {_markdown_text(title)}", ""]
    for n, story in enumerate(digest.stories, start=1):
        lines += [f"## {n}. {_markdown_text(story.headline)}", "", f"*{_markdown_text(_meta(story))}*", ""]
        body = " ".join(f"{_markdown_text(s.text)} \\[{_markdown_text(str(s.document))}\\]"
                        if s.document is not None else _markdown_text(s.text) for s in story.sentences)
        lines += [body, "", "Articles: " + ", ".join(f"`{str(d).replace('`', '')}`" for d in story.documents), ""]
    if digest.filtered:
        lines += ["## Left out: not about the query", ""]
        for f in digest.filtered:
            ids = ", ".join(f"`{str(d).replace('`', '')}`" for d in f.documents)
            lines.append(f"- {_markdown_text(f.headline)} ({ids})")
        lines.append("")
    if digest.errors:
        lines += ["## Refused records", ""]
        lines += [f"- `{str(e.id).replace('`', '')}`: {_markdown_text(str(e.error.get('message', '')))}"
                  for e in digest.errors]
        lines.append("")
    return "\n".join(lines)


def render_html(digest: Digest, title: str = "Digest") -> str:
    """The digest as one HTML page: escaped text, inline style only, no script, no asset."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>", f"<h1>{e(title)}</h1>"]
    for n, story in enumerate(digest.stories, start=1):
        parts.append(f'<article id="{e(story.id)}"><h2>{n}. {e(story.headline)}</h2>'
                     f'<p class="meta">{e(_meta(story))}</p><p>')
        for s in story.sentences:
            where = f"{s.document} [{s.start}:{s.end}]" if s.document is not None else ""
            parts.append(f'<span title="{e(where)}">{e(s.text)}</span>'
                         + (f"<sup>{e(str(s.document))}</sup> " if s.document is not None else " "))
        parts.append("</p>")
        parts.append('<p class="meta">Articles: ' + ", ".join(e(str(d)) for d in story.documents) + "</p></article>")
    if digest.filtered:
        parts.append('<section class="filtered"><h2>Left out: not about the query</h2><ul>')
        parts += [f"<li>{e(f.headline)} ({e(', '.join(str(d) for d in f.documents))})</li>" for f in digest.filtered]
        parts.append("</ul></section>")
    if digest.errors:
        parts.append('<section class="errors"><h2>Refused records</h2><ul>')
        parts += [f"<li>{e(str(x.id))}: {e(str(x.error.get('message', '')))}</li>" for x in digest.errors]
        parts.append("</ul></section>")
    parts.append("</body></html>")
    return "\n".join(parts)
