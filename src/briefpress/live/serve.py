"""``briefpress serve``: a live preview of every brief in the browser.

Starlette serves the pages and uvicorn runs them; a save anywhere in the
project goes through the same watcher as ``build --watch`` (watch.py), and
every change of a brief's state is announced on ``/events`` as a server-sent
event, on which open pages fetch themselves again and swap in the new content.

Only two kinds of file ever leave the server: pages it renders itself, and
files under ``out/`` (Starlette's StaticFiles, which refuses ``..`` and
symlinks that lead outside). Pictures of pages are rendered from the PDF of a
brief known by id, never from a path taken from the request. By default the
server listens on 127.0.0.1 only and answers only to local host names, so a
web site cannot read the briefs through DNS rebinding.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import ipaddress
import json
import os
import signal
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from briefpress import editions
from briefpress.build.gallery import THUMBS_URL, BriefCard, download_path, render_page
from briefpress.build.thumbs import PAGE_WIDTH
from briefpress.core.assets import ASSETS
from briefpress.core.errors import BriefpressError
from briefpress.core.signals import STOP_SIGNALS, request_stop
from briefpress.live.terminal import Terminal, first_build
from briefpress.live.watch import Hooks, LiveBuilder, run_live

LOCAL_HOSTS = ("127.0.0.1", "localhost")
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream


class ServerLinks:
    """Links between the preview's own pages; files come from ``/out/``."""

    live = True

    def index(self) -> str:
        return "/"

    def brief(self, card: BriefCard) -> str:
        return f"/brief/{card.id}"

    def pdf(self, card: BriefCard) -> str:
        return f"/out/{download_path(card, editions.default().name)}"

    def download(self, card: BriefCard, edition: str) -> str:
        return f"/out/{download_path(card, edition)}"

    def thumb(self, card: BriefCard) -> str:
        return f"/out/{THUMBS_URL}{card.id}.png?v={card.thumb}"

    def page(self, card: BriefCard, number: int, stamp: str) -> str:
        return f"/brief/{card.id}/page/{number}.png?v={stamp}"

    def asset(self, path: str) -> str:
        return f"/out/{ASSETS}/{path}"


class Hub:
    """Tells every open page that something changed; lives in the event loop's thread."""

    def __init__(self) -> None:
        self.version = 0
        self.closed = False
        self._waiters: set[asyncio.Event] = set()

    def bump(self) -> None:
        self.version += 1
        self._wake()

    def close(self) -> None:
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        for waiter in self._waiters:
            waiter.set()

    async def stream(self) -> AsyncIterator[str]:
        """Server-sent events: the current version at once, then each new one."""
        yield "retry: 1000\n\n"
        seen = -1
        while not self.closed:
            if seen != self.version:
                await asyncio.sleep(0.05)  # a burst of changes becomes one message
                seen = self.version
                yield f"data: {json.dumps({'version': seen})}\n\n"
                continue
            waiter = asyncio.Event()
            self._waiters.add(waiter)
            try:
                await asyncio.wait_for(waiter.wait(), KEEP_ALIVE)
            except TimeoutError:
                yield ": keep-alive\n\n"
            finally:
                self._waiters.discard(waiter)


def pdf_stamp(pdf: Path) -> str | None:
    """Changes whenever the PDF is rewritten: the cache-busting part of page URLs."""
    try:
        stat = pdf.stat()
    except OSError:
        return None
    return f"{stat.st_mtime_ns:x}-{stat.st_size:x}"


@functools.lru_cache(maxsize=256)
def page_png(pdf: Path, stamp: str, number: int) -> bytes:
    from briefpress.build.thumbs import render_png

    return render_png(pdf, number - 1, PAGE_WIDTH)


@functools.lru_cache(maxsize=64)
def picture_sizes(pdf: Path, stamp: str) -> list[tuple[int, int]]:
    """Each page's picture size in pixels, so the layout does not jump as pictures load."""
    from briefpress.build.thumbs import page_sizes as sizes

    return [(PAGE_WIDTH, round(PAGE_WIDTH * h / w)) for w, h in sizes(pdf)]


def create_app(
    builder: LiveBuilder,
    live: bool = True,
    hooks: Hooks | None = None,
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS,
) -> Starlette:
    """The preview application; with ``live`` it watches the project while it runs."""
    hub = Hub()
    pages = PreviewPages(builder, hub)
    routes = [
        Route("/", pages.index),
        Route("/brief/{brief_id}", pages.brief),
        Route("/brief/{brief_id}/page/{number:int}.png", pages.page_image),
        Route("/events", pages.events),
        Route("/api/briefs", pages.status),
        Mount("/out", OutputFiles(directory=builder.root / "out", check_dir=False), name="out"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))]
    lifespan = preview_lifespan(builder, hub, live, hooks)
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.close = hub.close
    return app


class PreviewPages:
    """The preview's pages and feeds, read from the live builder's cards."""

    def __init__(self, builder: LiveBuilder, hub: Hub) -> None:
        self.builder, self.hub, self.links = builder, hub, ServerLinks()

    def page(self, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        project, version = self.builder.project, self.hub.version
        html = render_page(name, project, links=self.links, version=version, **values)
        return HTMLResponse(html, status, headers={"Cache-Control": "no-store"})

    async def index(self, request: Request) -> Response:
        cards, shared = self.builder.snapshot()
        return self.page("index.html.j2", cards=cards, shared=shared)

    async def brief(self, request: Request) -> Response:
        card = self.builder.card(request.path_params["brief_id"])
        if card is None:
            return self.page("missing.html.j2", 404, what=request.path_params["brief_id"])
        pdf = self.builder.pdf(card.id)
        stamp = pdf_stamp(pdf)
        sizes = await asyncio.to_thread(picture_sizes, pdf, stamp) if stamp else []
        return self.page("brief.html.j2", card=card, pages=sizes, stamp=stamp or "")

    async def page_image(self, request: Request) -> Response:
        card = self.builder.card(request.path_params["brief_id"])
        number = request.path_params["number"]
        pdf = self.builder.pdf(card.id) if card else None
        stamp = pdf_stamp(pdf) if pdf else None
        count = len(await asyncio.to_thread(picture_sizes, pdf, stamp)) if pdf and stamp else 0
        if pdf is None or stamp is None or not 1 <= number <= count:
            return Response("no such page", 404, media_type="text/plain")
        png = await asyncio.to_thread(page_png, pdf, stamp, number)
        return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=3600"})

    async def events(self, request: Request) -> Response:
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(self.hub.stream(), media_type="text/event-stream", headers=headers)

    async def status(self, request: Request) -> Response:
        cards, shared = self.builder.snapshot()
        return JSONResponse(
            {
                "version": self.hub.version,
                "briefs": [card_json(c) for c in cards],
                "problems": [str(p) for p in shared],
            }
        )


def preview_lifespan(
    builder: LiveBuilder, hub: Hub, live: bool, hooks: Hooks | None
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    """While the app runs: rebuilds tell the open pages, and with ``live`` the project is
    watched (pages go live only once it is); on the way out the watcher is stopped."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()

        def changed() -> None:  # called from the rebuild thread
            loop.call_soon_threadsafe(hub.bump)

        def close() -> None:  # called from a signal handler
            loop.call_soon_threadsafe(hub.close)

        builder.on_change, app.state.close = changed, close
        stop = asyncio.Event()
        task = None
        if live:
            watching = asyncio.Event()
            hooks_ = dataclasses.replace(hooks or Hooks(), on_ready=watching.set)
            task = asyncio.create_task(run_live(builder, hooks_, stop))
            await asyncio.wait_for(watching.wait(), 30)
            if hooks is not None:
                hooks.on_ready()
        try:
            yield
        finally:
            hub.close()
            stop.set()
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(task, 10)

    return lifespan


PRIVATE = ("mail", "letters")  # out/ folders that hold recipients' names and addresses


class OutputFiles(StaticFiles):
    """``out/`` as static files, less anything hidden or personal.

    Not found: a path with a part that starts with a dot (caches, the ownership marker,
    the staging folders of a mailing being made, temporary files), and anything under
    ``out/mail/`` or ``out/letters/`` (send plans, drafts, the send log, personal
    letters: names and e-mail addresses). The check is made on the path as asked, in
    any case, and again on the file it leads to, every link followed, so neither ``..``,
    percent-encoding nor a symbolic link planted in ``out/`` reaches those folders. A
    missing ``out/`` (deleted while serving) is "not found" too, until the next build
    makes it again."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if not servable(path.replace("\\", "/")):
            return "", None
        full_path, found = super().lookup_path(path)
        if found is None:
            return "", None
        root = os.path.realpath(self.directory or ".")
        real = os.path.relpath(os.path.realpath(full_path), root)
        if real.startswith("..") or not servable(real):
            return "", None
        return full_path, found

    async def check_config(self) -> None:
        """Starlette refuses to serve a folder that does not exist; here it is a 404."""


def servable(path: str) -> bool:
    """Whether a path below ``out/`` may leave the server: nothing hidden, nothing under
    a personal folder (see :data:`PRIVATE`), ``..`` resolved first, in any case."""
    if any(part.startswith(".") for part in path.split("/")):
        return False  # ".." among them
    parts = [part for part in os.path.normpath("/" + path).split("/") if part]
    return not parts or parts[0].casefold() not in PRIVATE


def card_json(card: BriefCard) -> dict[str, Any]:
    return {
        "id": card.id,
        "title": card.title,
        "kind": card.kind,
        "language": card.language,
        "pages": card.pages,
        "status": card.status,
        "problems": [str(p) for p in card.problems],
    }


def serve(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    strict: bool = False,
    jobs: int = 1,
) -> None:
    """``briefpress serve``: build everything, then preview it live until Ctrl-C.

    ``port`` 0 picks a free port; the address is printed either way.
    """
    sock = listen(host, port)  # before building: a port in use is reported at once
    builder = LiveBuilder(root, (editions.default().name,), strict)
    terminal = Terminal(root, strict)
    hooks = terminal.hooks(since=first_build(builder, terminal, jobs, force=False))
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address, as a URL and Host: write it
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    count = len(builder.cards)
    hooks.on_ready = lambda: terminal.echo(f"Previewing {count} brief(s) at {url} (Ctrl-C to stop)")
    local = loopback(host)
    if not local:
        terminal.echo(exposed_warning(host), err=True)
    app = create_app(builder, True, hooks, (*LOCAL_HOSTS, "[::1]", shown) if local else ("*",))
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, timeout_graceful_shutdown=2, lifespan="on"
    )
    PreviewServer(config, on_exit=app.state.close).run(sockets=[sock])


def loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any address


def exposed_warning(host: str) -> str:
    """What a person must know before serving beyond this machine."""
    return (
        f"warning: listening on {host}, not only on this machine: anyone who can reach "
        "it on the network can read every brief and page of the preview, with no login "
        "(out/mail/ and out/letters/ are never served); use --host 127.0.0.1 to keep it private"
    )


def listen(host: str, port: int) -> socket.socket:
    """Bind before uvicorn starts, so that port 0 can be reported as the real port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)  # connections wait from now on, even before uvicorn accepts them
    except OSError as exc:
        sock.close()
        raise BriefpressError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


class PreviewServer(uvicorn.Server):
    """uvicorn's server, ending the event streams first so that Ctrl-C stops at once."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        request_stop()  # workers of a rebuild in progress stop now, not when it ends
        self.on_exit()
        super().handle_exit(sig, frame)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """uvicorn's own handling (SIGINT, SIGTERM), and SIGHUP handled as SIGTERM: a
        graceful stop, after which uvicorn raises the signal again for the command's
        own handler (the same exit as Ctrl-C)."""
        extra = [sig for sig in STOP_SIGNALS if sig not in (signal.SIGINT, signal.SIGTERM)]
        if threading.current_thread() is not threading.main_thread():
            extra = []

        def as_sigterm(sig: int, frame: FrameType | None) -> None:
            self.handle_exit(signal.SIGTERM, frame)

        previous = {sig: signal.signal(sig, as_sigterm) for sig in extra}
        try:
            with super().capture_signals():
                yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
