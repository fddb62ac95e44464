"""Rebuild the fonts shipped in ``scanner/fonts`` from Debian's fonts-dejavu-core.

The ballots and minutes must show Vietnamese diacritics on any machine, so the
package carries its own font: DejaVu Sans (Bitstream Vera / DejaVu licence,
redistribution allowed), cut down to the Latin and Vietnamese ranges to keep the
repository small.  Run once after changing the ranges::

    pip install fonttools && python tools/make_fonts.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset

SOURCE = Path("/usr/share/fonts/truetype/dejavu")
TARGET = Path(__file__).resolve().parent.parent / "scanner" / "fonts"
# Basic Latin, Latin-1, Latin Extended-A/B, combining marks, Latin Extended
# Additional (all precomposed Vietnamese letters), punctuation, currency, arrows,
# geometric shapes used for check marks in instructions.
UNICODE_RANGES = ",".join(
    ["U+0020-007E", "U+00A0-024F", "U+0300-036F", "U+1E00-1EFF", "U+2000-206F"]
    + ["U+20A0-20BF", "U+2190-21FF", "U+25A0-25FF", "U+2610-2612", "U+2713-2717"]
)


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = subset.load_font(str(SOURCE / name), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(UNICODE_RANGES))
        subsetter.subset(font)
        subset.save_font(font, str(TARGET / name), options)
        print(f"{name}: {(TARGET / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
