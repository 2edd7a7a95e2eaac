"""Check the brand in briefpress.yaml before anything is rendered.

A colour WeasyPrint cannot read would only surface as a rendering warning
blamed on a brief, and a logo that is missing, outside the project or not an
image would be silently dropped; here both are reported at ``briefpress.yaml``'s
own line, by ``check`` and by every build.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import tinycss2.color3

from briefpress.core.errors import Location, Problem
from briefpress.core.scripts import known_script
from briefpress.data.load import CONFIG_FILE, Project
from briefpress.data.model import LAYOUTS, Brand, Colours

LOGO_TYPES = (".png", ".svg")
LOGO_MAX_BYTES = 2_000_000  # a logo, not a photograph: keeps every brief small
LOGO_MIN_PIXELS = 150  # narrower than this prints visibly blurred at 25 mm
LOGO_MAX_PIXELS = 6000


def _where(record: Brand | Colours, attr: str) -> Location:
    return record.locs.get(attr) or (
        record.loc if record.loc.file != "<none>" else Location(CONFIG_FILE)
    )


def check_colours(colours: Colours) -> list[Problem]:
    """Every screen colour is a CSS colour; every print colour four percentages (C M Y K)."""
    problems = []
    for f in dataclasses.fields(colours):
        if f.metadata.get("internal"):
            continue
        value = getattr(colours, f.name)
        if f.name.endswith("_cmyk"):
            parts = value.split()
            numbers = [p for p in parts if _percentage(p)]
            if len(parts) != 4 or len(numbers) != 4:
                problems.append(
                    Problem(
                        _where(colours, f.name),
                        f"{f.name} {value!r} is not a CMYK colour",
                        "four percentages from 0 to 100, as in '100 72 25 40'",
                    )
                )
        elif tinycss2.color3.parse_color(value) in (None, "currentColor"):
            problems.append(
                Problem(
                    _where(colours, f.name),
                    f"{f.name} {value!r} is not a colour",
                    "an sRGB colour such as '#1f3a5f', 'rgb(31 58 95)' or 'navy'",
                )
            )
    return problems


def _percentage(text: str) -> bool:
    try:
        return 0 <= float(text) <= 100
    except ValueError:
        return False


def check_logos(brand: Brand, root: Path) -> list[Problem]:
    """Both logos, and a warning when the print edition would print an RGB one."""
    problems = check_logo(brand, "logo", root) + check_logo(brand, "logo_print", root)
    if brand.logo_print and not brand.logo_print.lower().endswith(".svg"):
        problems.append(
            Problem(
                _where(brand, "logo_print"),
                f"logo_print {brand.logo_print!r} is not an SVG file",
                "a print logo is an SVG whose colours are device-cmyk(c m y k)",
            )
        )
    elif brand.logo and not brand.logo_print:
        problems.append(
            Problem(
                _where(brand, "logo"),
                "the print edition prints this logo's RGB colours, which a PDF/X print file "
                "refuses (briefpress check --pdf)",
                "add logo_print: an SVG whose colours are device-cmyk(c m y k)",
                severity="warning",
            )
        )
    return problems


def check_logo(brand: Brand, attr: str, root: Path) -> list[Problem]:
    """A logo is a PNG or SVG file inside the project, readable, and of a printable size."""
    name = getattr(brand, attr)
    if not name:
        return []
    loc = _where(brand, attr)
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()):
        return [Problem(loc, f"{attr} {name!r} is outside the project", "copy it into it")]
    if not path.is_file():
        return [Problem(loc, f"{attr} {name!r} does not exist", "a path from briefpress.yaml")]
    if path.suffix.lower() not in LOGO_TYPES:
        return [Problem(loc, f"{attr} {name!r} is not a PNG or SVG file")]
    size = path.stat().st_size
    if size > LOGO_MAX_BYTES:
        return [
            Problem(
                loc,
                f"{attr} {name!r} is {size // 1000} kB; at most {LOGO_MAX_BYTES // 1000} kB",
                "export it smaller: it is printed about 25 mm wide",
            )
        ]
    if path.suffix.lower() == ".svg":
        return _check_svg(path, name, loc)
    return _check_png(path, name, loc)


def _check_png(path: Path, name: str, loc: Location) -> list[Problem]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
            width, height = image.size
            kind = image.format
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        return [Problem(loc, f"logo {name!r} cannot be read as an image: {exc}")]
    if kind != "PNG":
        return [Problem(loc, f"logo {name!r} is {kind}, not PNG", "save it as PNG or SVG")]
    if max(width, height) > LOGO_MAX_PIXELS:
        return [Problem(loc, f"logo {name!r} is {width}x{height} pixels: too large")]
    if width < LOGO_MIN_PIXELS:
        return [
            Problem(
                loc,
                f"logo {name!r} is {width} pixels wide and will print blurred",
                f"use at least {LOGO_MIN_PIXELS} pixels, or an SVG",
                severity="warning",
            )
        ]
    return []


def _check_svg(path: Path, name: str, loc: Location) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(loc, f"logo {name!r} cannot be read: {exc}")]
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        return [Problem(loc, f"logo {name!r} declares a DOCTYPE or entities", "remove them")]
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        return [Problem(loc, f"logo {name!r} is not well-formed SVG: {exc}")]
    if not root.tag.endswith("svg"):
        return [Problem(loc, f"logo {name!r} is XML but not SVG")]
    if "viewBox" not in root.attrib and not {"width", "height"} <= set(root.attrib):
        return [
            Problem(
                loc,
                f"logo {name!r} has no viewBox or size, so it cannot be scaled",
                "add viewBox='0 0 W H' to its <svg> element",
            )
        ]
    return []


def check_brand(project: Project) -> list[Problem]:
    """The brand's colours and logo, at their lines in briefpress.yaml, and the layouts
    the project and its briefs choose."""
    brand = project.config.brand
    problems = check_colours(brand.colours) + check_logos(brand, project.root)
    problems += check_fonts(brand, project.root) + check_layouts(project)
    return problems + check_web_url(project)


def check_fonts(brand: Brand, root: Path) -> list[Problem]:
    """``fonts:`` names a font per ISO 15924 script code; a family found nowhere (not in
    the theme, the project's fonts/ or styles/, nor installed) is a warning, since the
    stack's other fonts may still print the script."""
    from briefpress.core.fonts import shipped_families, system_fonts

    problems = []
    where = brand.locs.get("fonts") or _where(brand, "fonts")
    known = shipped_families(root) | set(system_fonts())
    for code, family in brand.fonts.items():
        if not known_script(code):
            problems.append(
                Problem(
                    where,
                    f"fonts: {code!r} is not a script code",
                    "an ISO 15924 code such as arab, hebr, deva, beng, thai, mymr, khmr, "
                    "hans, jpan, kore, ethi, geor",
                )
            )
        elif family not in known:
            problems.append(
                Problem(
                    where,
                    f"fonts: {code}: font {family!r} is not installed nor in the project",
                    "put its .ttf or .otf files under fonts/, or install it",
                    severity="warning",
                )
            )
    return problems


def check_layouts(project: Project) -> list[Problem]:
    """``layout:`` names one of the theme's looks, in briefpress.yaml or a brief's spec."""
    found = []
    chosen = [(project.config.layout, Location(CONFIG_FILE))]
    chosen += [(b.layout, b.locs.get("layout", b.loc)) for b in project.briefs.values() if b.layout]
    for layout, where in chosen:
        if layout not in LAYOUTS:
            found.append(
                Problem(
                    where,
                    f"layout {layout!r} is not one of the theme's looks",
                    f"choose one of: {', '.join(LAYOUTS)}",
                )
            )
    return found


def check_web_url(project: Project) -> list[Problem]:
    """``web_url:`` is where the web edition is published. Social sites read a page's card
    picture only from an absolute address, so it must be a whole http(s) address."""
    url = project.config.web_url
    if url is None:
        return []
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc and not (parts.query or parts.fragment):
        return []
    return [
        Problem(
            Location(CONFIG_FILE),
            f"web_url {url!r} is not a whole web address",
            "write the address where the web edition is published, such as "
            "https://example.org/briefs/",
        )
    ]


def check_style_names(project: Project) -> list[Problem]:
    """Every stylesheet in styles/ is linked from every brief by its name, so a name that is
    not valid UTF-8 (written on another system, or by a tool that mangled it) could never
    be linked: an error at the file, before anything is rendered."""
    folder = project.root / "styles"
    if not folder.is_dir():
        return []
    problems = []
    for path in sorted(folder.iterdir()):
        try:
            path.name.encode("utf-8")
        except UnicodeEncodeError:
            shown = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            problems.append(
                Problem(
                    Location(f"styles/{shown}"),
                    "this file's name is not valid UTF-8 text, so no brief can link it",
                    "rename the file (letters, digits, - and _ are safe)",
                )
            )
    return problems
