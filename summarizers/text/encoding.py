"""HTML bytes to text, in whatever encoding the page is in.

The order is the one browsers follow, shortened: a byte-order mark, then the charset the
server declared (``Content-Type`` of a fetched page), then the page's own ``<meta charset>`` or
``<meta http-equiv="Content-Type">``, then UTF-8 when the bytes are valid UTF-8, then a
detector (`charset-normalizer <https://github.com/jawah/charset_normalizer>`_). As in browsers,
a page declaring ISO-8859-1 or ASCII is read as windows-1252, its superset. Plain text is not
decoded here: it stays strict UTF-8 (:func:`summarizers.document.validate_text`).
"""

from __future__ import annotations

import codecs
import re

from ..errors import InvalidInput

#: Only this many leading bytes are searched for a ``<meta>`` charset (browsers read 1024;
#: real pages put long scripts first).
META_SCAN_BYTES = 16_384
#: Detected encodings whose "mess" is this close to the cleanest one count as equally good.
CHAOS_TOLERANCE = 0.02

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
#: Labels browsers read as another, wider encoding (the WHATWG Encoding Standard).
_WIDER = {
    "iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254",
    "iso8859-11": "cp874", "gb2312": "gb18030", "gbk": "gb18030",
}


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` header value, if any."""
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:\-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def codec_name(label: str | None) -> str | None:
    """Python's codec for an encoding label (``"ISO-8859-1"`` -> ``"cp1252"``), or ``None`` when
    the label is unknown (or a UTF-16/32 label, which an ASCII-compatible page cannot mean)."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return _WIDER.get(name, name)


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode an HTML page: ``(text, encoding used)``.

    Args:
        data: the page's bytes.
        declared: the charset a server declared for them (``Content-Type``), if any.

    Raises:
        InvalidInput: when the bytes are not text in any encoding (binary data).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data, codec) or data.decode(codec, errors="replace"), codec.replace("-sig", "")
    candidates = [codec_name(declared)]
    meta = _META.search(data[:META_SCAN_BYTES])
    candidates.append(codec_name(meta.group(1).decode("ascii")) if meta else None)
    candidates.append("utf-8")
    for codec in candidates:
        if codec and (text := _strict(data, codec)) is not None:
            return text, codec
    detected = _detect(data)
    if detected is not None:
        return detected
    fallback = next((c for c in candidates if c and c != "utf-8"), None)
    if fallback is None:
        raise InvalidInput("html is not text in any encoding that could be detected", field="html")
    return data.decode(fallback, errors="replace"), fallback


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    # Western Latin codecs often read equally well; among those as clean as the best, take
    # windows-1252 (what browsers assume), else the most coherent.
    least = min(m.chaos for m in matches)
    close = [m for m in matches if m.chaos <= least + CHAOS_TOLERANCE]
    best = next((m for m in close if m.encoding == "cp1252"), max(close, key=lambda m: m.coherence))
    return str(best), codec_name(best.encoding) or best.encoding
