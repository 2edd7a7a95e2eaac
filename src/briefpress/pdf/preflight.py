"""Preflight: the checks a print shop and an accessibility auditor run on a finished
PDF, run here first, each finding with its page and the rule it breaks.

The screen edition is checked against PDF/UA-1 by ``page`` (page-validation on PyPI,
an independent validator that passes veraPDF's test corpus). The print edition is
checked against the rules of PDF/X-4 (ISO 15930-7) that decide whether a print shop
accepts a file: no RGB anywhere (content, forms, patterns, soft masks, images,
shadings, transparency groups), trim, bleed and a slug for marks, an output intent
with a registered printing condition, no annotations where the sheet is printed,
embedded fonts, one page size, and fine text in one ink so that it cannot misregister.
Both editions get the layout rule of the house style: no page less than a third full.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from briefpress.core.errors import Location, Problem

MM = 72 / 25.4
MIN_BLEED = 3 * MM - 0.2
MIN_SLUG = 5 * MM - 0.2  # room for crop marks beyond the bleed
FINE_TEXT = 7.0  # points: smaller text should be printed in one ink (a warning)
TINY_TEXT = 6.0  # points: smaller text must be (an error: it will misregister)
MIN_FILL = 1 / 3
# Printing conditions registered at the ICC (www.color.org/registry), by identifier.
REGISTERED = {
    "FOGRA27", "FOGRA28", "FOGRA29", "FOGRA30", "FOGRA39", "FOGRA40", "FOGRA45",
    "FOGRA47", "FOGRA51", "FOGRA52", "FOGRA53", "FOGRA54", "FOGRA55", "FOGRA59",
    "CGATS TR 001", "CGATS TR 002", "CGATS TR 003", "CGATS TR 005", "CGATS TR 006",
    "CRPC1", "CRPC2", "CRPC3", "CRPC4", "CRPC5", "CRPC6", "CRPC7",
    "JC200103", "JCN2002", "JCW2003", "IFRA26", "IFRA30",
}  # fmt: skip
RGB_SPACES = {"/DeviceRGB", "/CalRGB", "/RGB"}


@dataclass(frozen=True)
class Finding:
    """One rule a PDF breaks: where (1-based page, None for the whole file) and why."""

    page: int | None
    rule: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page else ""
        return f"{where}{self.rule}: {self.message}"


Preflight = Callable[[bytes], list["Finding"]]


def preflight_file(path: Path, check: Preflight, last_page_may_be_short: bool) -> list[Problem]:
    """The findings of ``check`` (the edition's: :func:`check_screen`, :func:`check_print`)
    and the fill rule for one built PDF, as problems at ``path`` (``file: error: page N:
    rule: message``), the way every other check reports."""
    pdf = path.read_bytes()
    findings = check(pdf)
    findings += check_fill(pdf, last_page_may_be_short)
    return [Problem(Location(str(path)), str(f), severity=f.severity) for f in findings]


# ---- screen: PDF/UA-1 ------------------------------------------------------------------


def check_screen(pdf: bytes) -> list[Finding]:
    """PDF/UA-1 findings of page-validation, one per failed rule and message."""
    import page as validator

    report = validator.validate_pdf_bytes(pdf, profile="ua1")
    counts = Counter((f.rule_id, f.message) for f in report.failures)
    return [
        Finding(None, f"PDF/UA-1 {rule}", message + (f" ({n} times)" if n > 1 else ""))
        for (rule, message), n in sorted(counts.items())
    ]


# ---- print: PDF/X-4 ----------------------------------------------------------------------


def check_print(pdf: bytes) -> list[Finding]:
    """Every PDF/X-4 finding of the print shop's rules (see the module docstring)."""
    findings: list[Finding] = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        findings += _identification(doc)
        findings += _output_intent(doc)
        findings += _boxes(doc)
        findings += _annotations(doc)
        findings += _fonts(doc)
        for index, page in enumerate(doc.pages):
            painter = Painter(index + 1)
            painter.run(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()))
            painter.group(page.obj.get("/Group"), "page")
            findings += painter.findings()
    return findings


def _identification(doc: pikepdf.Pdf) -> list[Finding]:
    found = []
    meta = doc.open_metadata()
    if meta.get("pdfxid:GTS_PDFXVersion") != "PDF/X-4":
        found.append(Finding(None, "PDF/X-4 identification", "XMP lacks GTS_PDFXVersion PDF/X-4"))
    if str(doc.docinfo.get("/Trapped", "")) not in ("/True", "/False"):
        found.append(Finding(None, "PDF/X-4 identification", "Trapped is not True or False"))
    if doc.is_encrypted:
        found.append(Finding(None, "PDF/X-4 identification", "the file is encrypted"))
    return found


def _output_intent(doc: pikepdf.Pdf) -> list[Finding]:
    rule = "PDF/X-4 output intent"
    intents = [i for i in doc.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFX"]
    if len(intents) != 1:
        return [Finding(None, rule, f"{len(intents)} GTS_PDFX output intents, not one")]
    intent, found = intents[0], []
    profile = intent.get("/DestOutputProfile")
    if profile is None or int(profile.get("/N", 0)) != 4:
        found.append(Finding(None, rule, "the output profile is not a CMYK ICC profile"))
    identifier = str(intent.get("/OutputConditionIdentifier", ""))
    if identifier not in REGISTERED:
        found.append(
            Finding(
                None,
                rule,
                f"OutputConditionIdentifier {identifier!r} is not a registered printing "
                "condition (such as FOGRA39)",
            )
        )
    if "color.org" not in str(intent.get("/RegistryName", "")):
        found.append(Finding(None, rule, "RegistryName is not the ICC registry"))
    return found


def _rect(value: Any) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _margin(outer: tuple[float, ...], inner: tuple[float, ...]) -> float:
    """The narrowest distance from inner to outer (negative if inner sticks out)."""
    return min(inner[0] - outer[0], inner[1] - outer[1], outer[2] - inner[2], outer[3] - inner[3])


def _boxes(doc: pikepdf.Pdf) -> list[Finding]:
    rule, found = "PDF/X-4 page boxes", []
    sizes = []
    for number, page in enumerate(doc.pages, start=1):
        obj = page.obj
        if "/TrimBox" not in obj:
            found.append(Finding(number, rule, "no TrimBox"))
            continue
        media, trim = _rect(obj.MediaBox), _rect(obj.TrimBox)
        bleed = _rect(obj.get("/BleedBox", obj.TrimBox))
        sizes.append((round(trim[2] - trim[0]), round(trim[3] - trim[1])))
        if _margin(bleed, trim) < MIN_BLEED:
            found.append(Finding(number, rule, "the bleed is less than 3 mm beyond the trim"))
        if _margin(media, bleed) < MIN_SLUG:
            found.append(
                Finding(
                    number, rule, "no slug: the MediaBox leaves no room for marks outside the bleed"
                )
            )
    if len(set(sizes)) > 1:
        odd = [n for n, size in enumerate(sizes, start=1) if size != sizes[0]]
        found.append(
            Finding(
                odd[0], rule, f"pages of another size or orientation: {odd} (trim {sizes[0]} pt)"
            )
        )
    return found


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _annotations(doc: pikepdf.Pdf) -> list[Finding]:
    found = []
    for number, page in enumerate(doc.pages, start=1):
        bleed = _rect(page.obj.get("/BleedBox", page.obj.MediaBox))
        inside = [
            str(a.get("/Subtype"))
            for a in page.obj.get("/Annots", [])
            if a.get("/Subtype") not in ("/PrinterMark", "/TrapNet")
            and _overlaps(_rect(a.get("/Rect", [0, 0, 0, 0])), bleed)
        ]
        if inside:
            found.append(
                Finding(
                    number,
                    "PDF/X-4 annotations",
                    f"{len(inside)} annotation(s) in the printed area "
                    f"({', '.join(sorted(set(inside)))})",
                )
            )
    return found


def _fonts(doc: pikepdf.Pdf) -> list[Finding]:
    found, seen = [], set()
    for number, page in enumerate(doc.pages, start=1):
        for name, font in _fonts_in(page.obj.get("/Resources"), set()):
            descriptor = font.get("/FontDescriptor")
            embedded = font.get("/Subtype") == "/Type3" or (
                descriptor is not None
                and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            )
            if not embedded and name not in seen:
                seen.add(name)
                found.append(Finding(number, "PDF/X-4 fonts", f"font {name} is not embedded"))
    return found


def _fonts_in(resources: Any, seen: set[tuple[int, int]]) -> Iterator[tuple[str, Any]]:
    if resources is None:
        return
    for font in resources.get("/Font", {}).values():
        for target in font.get("/DescendantFonts", [font]):
            yield str(target.get("/BaseFont", font.get("/BaseFont", "?"))).lstrip("/"), target
    for xobject in resources.get("/XObject", {}).values():
        if xobject.objgen not in seen and xobject.get("/Subtype") == "/Form":
            seen.add(xobject.objgen)
            yield from _fonts_in(xobject.get("/Resources"), seen)


def _space_name(space: Any) -> str:
    """The family of a colour space: DeviceRGB, ICC RGB (``/RGB``), DeviceCMYK, ..."""
    if isinstance(space, pikepdf.Array):
        family = str(space[0])
        if family == "/ICCBased":
            return {1: "/DeviceGray", 3: "/RGB", 4: "/DeviceCMYK"}.get(int(space[1].N), family)
        if family == "/Indexed":
            return "/Indexed " + _space_name(space[1])
        if family in ("/Separation", "/DeviceN"):
            return family + " " + _space_name(space[2])
        return family
    return str(space)


def _is_rgb(space: str) -> bool:
    return any(part in RGB_SPACES for part in space.split())


@dataclass
class State:
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    fill: str = "/DeviceGray"
    stroke: str = "/DeviceGray"
    fill_inks: int = 1


def _multiply(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    return (
        a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5],
    )  # fmt: skip


SHOW_TEXT = {"Tj", "TJ", "'", '"'}
COLOUR_OPERATORS = {"rg", "RG", "k", "K", "g", "G", "cs", "CS", "scn", "sc"}
TEXT_OPERATORS = {"BT", "Tm", "Tf"}


@dataclass
class TextState:
    """The text matrix and font size, which decide how large shown text is."""

    tm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    font_size: float = 0.0

    def update(self, op: str, args: Any) -> None:
        if op == "BT":
            self.tm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        elif op == "Tm":
            self.tm = tuple(float(v) for v in args)
        elif op == "Tf":
            self.font_size = float(args[1])


@dataclass
class Painter:
    """Follows the colour, transformation and text state through a page's content,
    into its forms, counting what is painted in RGB and fine text in several inks."""

    page: int
    rgb: Counter[str] = field(default_factory=Counter)
    fine: list[float] = field(default_factory=list)
    seen: set[tuple[int, int]] = field(default_factory=set)

    def findings(self) -> list[Finding]:
        found = []
        if self.rgb:
            parts = ", ".join(f"{n} {kind}" for kind, n in sorted(self.rgb.items()))
            found.append(
                Finding(self.page, "PDF/X-4 colour", f"RGB under a CMYK output intent: {parts}")
            )
        if self.fine:
            tiny = min(self.fine) < TINY_TEXT
            found.append(
                Finding(
                    self.page,
                    "fine text in one ink",
                    f"{len(self.fine)} text run(s) under {FINE_TEXT:g} pt (smallest "
                    f"{min(self.fine):.1f} pt) printed in several inks may misregister",
                    "error" if tiny else "warning",
                )
            )
        return found

    def group(self, group: Any, what: str) -> None:
        if group is not None and "/CS" in group and _is_rgb(_space_name(group.CS)):
            self.rgb[f"RGB transparency group ({what})"] += 1

    def run(self, stream: Any, resources: Any, state: State | None = None) -> None:
        """Walk one content stream (a page, form or tiling pattern) with its resources."""
        state = state or State()
        stack: list[State] = []
        text = TextState()
        spaces = resources.get("/ColorSpace", {})
        for item in pikepdf.parse_content_stream(stream):
            if isinstance(item, pikepdf.ContentStreamInlineImage):
                obj = item.iimage.obj
                if _is_rgb(str(obj.get("/ColorSpace", obj.get("/CS", "")))):
                    self.rgb["inline image"] += 1
                continue
            op, args = str(item.operator), item.operands
            if op == "q":
                stack.append(State(state.ctm, state.fill, state.stroke, state.fill_inks))
            elif op == "Q" and stack:
                state = stack.pop()
            elif op == "cm":
                state.ctm = _multiply(tuple(float(v) for v in args), state.ctm)
            elif op in COLOUR_OPERATORS:
                self._colour(op, args, state, spaces)
            elif op in TEXT_OPERATORS:
                text.update(op, args)
            elif op in SHOW_TEXT:
                self._text(state, text.tm, text.font_size)
            else:
                self._paint(op, args, state, resources)
        self._patterns(resources)

    def _colour(self, op: str, args: Any, state: State, spaces: Any) -> None:
        """A colour operator: what the fill (and its number of inks) or the stroke is now."""
        if op in ("rg", "RG"):
            self.rgb["stroke" if op == "RG" else "fill"] += 1
            if op == "rg":
                state.fill, state.fill_inks = "/DeviceRGB", 3
            else:
                state.stroke = "/DeviceRGB"
        elif op == "k":
            state.fill = "/DeviceCMYK"
            state.fill_inks = sum(1 for v in args if float(v) > 0)
        elif op == "g":
            state.fill, state.fill_inks = "/DeviceGray", 1
        elif op in ("cs", "CS"):
            name = str(args[0])
            space = _space_name(spaces[name]) if name in spaces else name
            if op == "cs":
                state.fill = space
            else:
                state.stroke = space
        elif op in ("scn", "sc"):
            numbers = [float(v) for v in args if _is_number(v)]
            if state.fill.endswith("/DeviceCMYK") and not state.fill.startswith("/Sep"):
                state.fill_inks = sum(1 for v in numbers if v > 0)
            else:
                state.fill_inks = 1

    def _paint(self, op: str, args: Any, state: State, resources: Any) -> None:
        """Shadings, forms and images, and graphics states (their soft masks)."""
        if op == "sh":
            shading = resources.get("/Shading", {}).get(str(args[0]))
            if shading is not None and _is_rgb(_space_name(shading.get("/ColorSpace"))):
                self.rgb["shading"] += 1
        elif op == "Do":
            self._xobject(resources.get("/XObject", {}).get(str(args[0])), state)
        elif op == "gs":
            self._soft_mask(resources.get("/ExtGState", {}).get(str(args[0])))

    def _patterns(self, resources: Any) -> None:
        """The patterns a stream may paint with: tiling ones walked, shading ones checked."""
        for pattern in resources.get("/Pattern", {}).values():
            if pattern.objgen in self.seen:
                continue
            self.seen.add(pattern.objgen)
            if int(pattern.get("/PatternType", 0)) == 1:
                self.run(pattern, pattern.get("/Resources", pikepdf.Dictionary()))
            elif _is_rgb(_space_name(pattern.get("/Shading", {}).get("/ColorSpace"))):
                self.rgb["shading pattern"] += 1

    def _text(self, state: State, tm: tuple[float, ...], font_size: float) -> None:
        if state.fill_inks <= 1 and not _is_rgb(state.fill):
            return
        matrix = _multiply(tm, state.ctm)
        scale = math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]))
        size = font_size * scale
        if 0 < size < FINE_TEXT:
            self.fine.append(size)

    def _xobject(self, xobject: Any, state: State) -> None:
        if xobject is None:
            return
        if xobject.get("/Subtype") == "/Image":
            space = xobject.get("/ColorSpace")
            if space is not None and _is_rgb(_space_name(space)):
                self.rgb["image"] += 1
            return
        matrix = tuple(float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        inner = State(_multiply(matrix, state.ctm), state.fill, state.stroke, state.fill_inks)
        self.group(xobject.get("/Group"), "form")
        self.run(xobject, xobject.get("/Resources", pikepdf.Dictionary()), inner)

    def _soft_mask(self, state: Any) -> None:
        mask = state.get("/SMask") if state is not None else None
        if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
            if mask.G.objgen in self.seen:
                return
            self.seen.add(mask.G.objgen)
            self.group(mask.G.get("/Group"), "soft mask")
            self.run(mask.G, mask.G.get("/Resources", pikepdf.Dictionary()))


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


# ---- layout: pages that are filled -------------------------------------------------------


def page_fill(pdf: bytes, top_mm: float = 21, bottom_mm: float = 20) -> list[float]:
    """For each page, how far down its text area the content reaches (0 to 1): the
    lowest inked row between the top and bottom margins, read from a small rendering
    of the trimmed page (running heads and feet lie in the margins)."""
    import pypdfium2 as pdfium

    fills = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        boxes = [
            (_rect(p.obj.get("/TrimBox", p.obj.MediaBox)), _rect(p.obj.MediaBox)) for p in doc.pages
        ]
    document = pdfium.PdfDocument(pdf)
    try:
        for index, (trim, media) in enumerate(boxes):
            page = document[index]
            scale = 20 / 72
            image = page.render(scale=scale, grayscale=True).to_pil()
            left = (trim[0] - media[0]) * scale
            top = (media[3] - trim[3]) * scale
            width, height = (trim[2] - trim[0]) * scale, (trim[3] - trim[1]) * scale
            body_top = top + top_mm * MM * scale
            body_bottom = top + height - bottom_mm * MM * scale
            box = (int(left), int(body_top), int(left + width), int(body_bottom))
            body = image.crop(box).point(lambda v: 255 if v < 235 else 0)
            bounds = body.getbbox()
            fills.append(0.0 if bounds is None else bounds[3] / max(1, box[3] - box[1]))
    finally:
        document.close()
    return fills


def check_fill(pdf: bytes, last_page_may_be_short: bool) -> list[Finding]:
    """Pages less than a third full; the last one only if the brief did not ask for it."""
    fills = page_fill(pdf)
    found = []
    for number, fill in enumerate(fills, start=1):
        if number == len(fills) and (last_page_may_be_short or len(fills) == 1):
            continue
        if fill < MIN_FILL:
            found.append(
                Finding(
                    number,
                    "page fill",
                    f"the page is {fill:.0%} full (the house style asks for a third)",
                    "warning",
                )
            )
    return found
