"""Check, and as root on Debian or Ubuntu install, the system packages a step needs.

    python scripts/system_deps.py build   # WeasyPrint's libraries, the Noto fonts of every script
    python scripts/system_deps.py test    # the command-line tools the test suite drives

pip installs every Python package from the lock file, but WeasyPrint loads Pango and
HarfBuzz from the system at run time, and a machine without HarfBuzz's subset library
still builds, slower and with a warning per font. So the check loads the libraries the
way WeasyPrint does (its own ``weasyprint.text.ffi`` module, which dlopens them) rather
than looking for files, and names Debian packages, because that is what a person types.

Run as root where apt-get exists, the missing packages are installed. Elsewhere one
sentence names them: for ``build`` a missing Pango stops the build (exit status 1) and
a missing subset library is a warning; for ``test`` missing tools are a warning, and the
tests that need them skip (CI fails the browser test instead; see tests/test_browser.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import warnings
from pathlib import Path

# WeasyPrint runs only with these: Pango pulls in GLib, HarfBuzz and Fontconfig.
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")
# Without it WeasyPrint subsets fonts with fontTools: slower, and it warns for every font.
SUBSET_PACKAGES = ("libharfbuzz-subset0",)
# hb_set_add_sorted_array, which WeasyPrint's HarfBuzz subsetting calls, is in 4.1.0.
HARFBUZZ_MINIMUM = (4, 1, 0)
# The fonts that print every script the brand fonts do not (src/briefpress/core/scripts.py):
# Noto (SIL Open Font Licence). A family each package installs, to see whether it is there.
FONT_PACKAGES = {
    "fonts-noto-core": "Noto Sans Arabic",  # Arabic, Hebrew, Indic, Thai, Khmer, Ethiopic...
    "fonts-noto-cjk": "Noto Sans CJK SC",  # Chinese, Japanese, Korean (about 90 MB)
}

# Commands the test suite runs, and the Debian package of each.
TEST_TOOLS = {
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdffonts": "poppler-utils",
    "qpdf": "qpdf",
    "chromium": "chromium",
}

# Shared libraries the tests load, and the Debian package of each: Playwright's Node.js
# driver, which drives chromium in the browser test, needs libatomic (a minimal Debian
# lacks it).
TEST_LIBRARIES = {"libatomic.so.1": "libatomic1"}

# axe-core's browser script, which the web edition's test runs in chromium: one file from
# the npm registry's tarball (npm pack downloads it; nothing is installed or built). The
# test looks for it here and skips its accessibility scan when it is absent.
AXE_PACKAGE = "axe-core@4"
AXE_SCRIPT = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "briefpress"
    / "axe-core"
    / "axe.min.js"
)


# The studio's browser test reads the same file.
AXE_FILE = str(AXE_SCRIPT)


def probe() -> int:
    """Load WeasyPrint's libraries as it does: 0 all there, 3 no subset library, 4 no Pango."""
    sink = io.StringIO()
    try:
        # WeasyPrint prints a long help text to stdout when a library fails to load.
        with contextlib.redirect_stdout(sink), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from weasyprint.text import ffi
    except OSError:
        return 4
    if ffi.harfbuzz_subset is None or not ffi.harfbuzz.hb_version_atleast(*HARFBUZZ_MINIMUM):
        return 3
    return 0


def installed_families() -> set[str]:
    """The font families Fontconfig lists, as WeasyPrint will look them up."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    families = set()
    try:
        fonts = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
        value = ffi.new("FcChar8 **")
        for i in range(fonts.nfont if fonts != ffi.NULL else 0):
            if not fontconfig.FcPatternGetString(fonts.fonts[i], b"family", 0, value):
                families.add(ffi.string(value[0]).decode("utf-8", "replace"))
    finally:
        fontconfig.FcConfigDestroy(config)
    return families


def probe_fonts() -> int:
    """Print the font packages whose families Fontconfig does not list, one a line."""
    families = installed_families()
    for package, family in FONT_PACKAGES.items():
        if family not in families:
            print(package)
    return 0


def missing_fonts() -> list[str]:
    """Font packages not installed, asked in a child process so that fonts installed a
    moment ago are seen (Fontconfig caches what it found at start)."""
    probe = subprocess.run(
        [sys.executable, __file__, "probe-fonts"], check=False, capture_output=True, text=True
    )
    return probe.stdout.split() if probe.returncode == 0 else list(FONT_PACKAGES)


def missing_for_build() -> tuple[list[str], list[str]]:
    """Debian packages WeasyPrint cannot run without, and those it runs worse without
    (the subset library, and the fonts of scripts other than Latin, Greek and Cyrillic).

    The probe runs in a child process, so that a check after installing loads the
    libraries afresh rather than finding the first attempt's modules.
    """
    status = subprocess.run([sys.executable, __file__, "probe"], check=False).returncode
    if status == 4:
        return list(PANGO_PACKAGES), [*SUBSET_PACKAGES, *FONT_PACKAGES]
    if status == 3:
        return [], [*SUBSET_PACKAGES, *missing_fonts()]
    if status:
        raise SystemExit(status)  # WeasyPrint itself is not installed: pip's error says why
    return [], missing_fonts()


def loads(library: str) -> bool:
    """True when the dynamic loader finds ``library``, as a program linked to it would."""
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def missing_for_test() -> list[str]:
    """Debian packages of the test suite's commands and libraries that are not there."""
    tools = {package for tool, package in TEST_TOOLS.items() if not shutil.which(tool)}
    libraries = {package for library, package in TEST_LIBRARIES.items() if not loads(library)}
    return sorted(tools | libraries)


def can_apt_get() -> bool:
    """True when this process may install packages itself (root, with apt-get)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_get_install(packages: list[str]) -> bool:
    """Install packages quietly; on failure show apt's last lines, since they say why."""
    print(f"installing {' '.join(packages)} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with tempfile.TemporaryFile("w+") as log:
        for command in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", *packages],
        ):
            if subprocess.run(command, stdout=log, stderr=log, env=env, check=False).returncode:
                log.seek(0)
                sys.stderr.write("".join(log.readlines()[-15:]))
                return False
    return True


def install_command(packages: list[str]) -> str:
    """What to type, for the sentence that names the missing packages."""
    return f"sudo apt-get install {' '.join(packages)}"


def check_build() -> int:
    """Exit status for ``make build``: 1 only when WeasyPrint cannot run at all."""
    required, recommended = missing_for_build()
    wanted = required + recommended
    if wanted and can_apt_get() and apt_get_install(wanted):
        required, recommended = missing_for_build()
    if required:
        print(
            "WeasyPrint needs Pango and HarfBuzz: install them with "
            f"'{install_command(required + recommended)}' (Debian/Ubuntu) "
            "or 'brew install pango' (macOS).",
            file=sys.stderr,
        )
        return 1
    subset = [p for p in recommended if p in SUBSET_PACKAGES]
    fonts = [p for p in recommended if p in FONT_PACKAGES]
    if subset:
        print(
            "warning: HarfBuzz's subset library is missing, so WeasyPrint subsets fonts more "
            f"slowly and warns for each one: install it with '{install_command(subset)}'.",
            file=sys.stderr,
        )
    if fonts:
        print(
            "warning: without the Noto fonts, briefs in scripts other than Latin, Greek and "
            "Cyrillic (Arabic, Hebrew, Devanagari, Thai, Chinese...) fail the glyph check: "
            f"install them with '{install_command(fonts)}', or name fonts under brand: fonts:.",
            file=sys.stderr,
        )
    return 0


def fetch_axe() -> bool:
    """Keep axe-core's ``axe.min.js`` in the cache folder (see AXE_SCRIPT); True if there."""
    if AXE_SCRIPT.is_file():
        return True
    npm = shutil.which("npm")
    if npm is None:
        return False
    with tempfile.TemporaryDirectory() as folder:
        command = [npm, "pack", AXE_PACKAGE, "--pack-destination", folder, "--silent"]
        if subprocess.run(command, capture_output=True, check=False).returncode:
            return False
        tarballs = sorted(Path(folder).glob("axe-core-*.tgz"))
        if not tarballs:
            return False
        with tarfile.open(tarballs[0]) as tar:
            member = tar.extractfile("package/axe.min.js")
            script = member.read() if member is not None else b""
    if not script:
        return False
    AXE_SCRIPT.parent.mkdir(parents=True, exist_ok=True)
    partial = AXE_SCRIPT.with_suffix(".part")
    partial.write_bytes(script)
    partial.replace(AXE_SCRIPT)  # whole or not at all
    return True


def check_test() -> int:
    """Exit status for ``make test``: always 0; the tests say what they skip."""
    missing = missing_for_test()
    if missing and can_apt_get() and apt_get_install(missing):
        missing = missing_for_test()
    if missing:
        print(
            f"warning: the tests that need {', '.join(missing)} will skip: "
            f"install them with '{install_command(missing)}'.",
            file=sys.stderr,
        )
    if not fetch_axe():
        print(
            f"warning: the accessibility scans (web edition, studio) will skip: npm could not "
            f"fetch "
            f"{AXE_PACKAGE} into {AXE_SCRIPT.parent}.",
            file=sys.stderr,
        )
    return 0


def main(argv: list[str]) -> int:
    """Dispatch on the step named on the command line."""
    steps = {"build": check_build, "test": check_test, "probe": probe, "probe-fonts": probe_fonts}
    if len(argv) != 1 or argv[0] not in steps:
        print("usage: system_deps.py build|test", file=sys.stderr)
        return 2
    return steps[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
