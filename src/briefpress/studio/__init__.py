"""The studio: the project in a browser, for everything between ``import`` and ``build``.

It sits above the capabilities (build, live preview, import, mail) and below ``cli/``:
pages and a JSON API that read the project with the located loader, write its YAML
files back with the fewest changed lines, and preview briefs with the warm builder.
"""
