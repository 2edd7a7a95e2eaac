# briefpress in a container, for Windows and for servers:
#
#   docker build -t briefpress .
#   docker run --rm -v "$PWD":/project briefpress init          # a new project here
#   docker run --rm -v "$PWD":/project briefpress build
#
# On Linux add --user "$(id -u):$(id -g)" so that out/ belongs to you. See docs/install.md.

# The run time: WeasyPrint's libraries (Pango, HarfBuzz with its subset library), the
# Noto fonts for text in any script (Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari,
# Thai and more from fonts-noto-core; Chinese, Japanese, Korean from fonts-noto-cjk),
# and the locked Python packages, exactly as `make build` installs them.
FROM python:3.11-slim-bookworm AS base
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fontconfig fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock /tmp/requirements.lock
RUN pip install --require-hashes --no-deps -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock

# The wheel, built as `make dist` builds it (the locked setuptools, offline).
FROM base AS wheel
WORKDIR /src
COPY pyproject.toml README.md CHANGELOG.md MANIFEST.in ./
COPY scripts/dist.py scripts/
COPY src src
RUN python scripts/dist.py /dist

# The image: the run time and the wheel, nothing of the sources.
FROM base
COPY --from=wheel /dist/*.whl /tmp/
RUN pip install --no-deps /tmp/briefpress-*.whl && rm /tmp/*.whl \
    && pip check && briefpress --version
# A user without privileges by default; `--user` chooses another (and its files' owner),
# which may have no home: caches (Fontconfig's) go to /tmp whoever runs.
RUN useradd --create-home --uid 1000 briefpress
ENV XDG_CACHE_HOME=/tmp/cache
USER 1000
WORKDIR /project
ENTRYPOINT ["briefpress"]
CMD ["--help"]
