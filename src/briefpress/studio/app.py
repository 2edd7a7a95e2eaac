"""``briefpress studio``: the studio's web application and its server.

One Starlette application: the pages (pages.py), the JSON API (api.py) and the
studio's own CSS and JavaScript modules (``static/``). Files are served from
``static/`` only; built PDFs reach the page through the preview route, never as
files from ``out/``, so nothing under ``out/mail/`` (names and addresses of a
mailing) can ever be served. It listens on 127.0.0.1 unless told otherwise and
answers only to local host names; on another address it runs in team mode (team.py),
behind a login, and refuses to start without users.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from briefpress.core.errors import BriefpressError
from briefpress.live.serve import LOCAL_HOSTS, PreviewServer, listen
from briefpress.studio.api import Api
from briefpress.studio.briefforms import BriefForms
from briefpress.studio.dataforms import DataForms
from briefpress.studio.letterfiles import LetterFiles
from briefpress.studio.lettermaking import LetterMaking
from briefpress.studio.letterpages import LetterPages
from briefpress.studio.mailsettings import MailSettingsRoutes
from briefpress.studio.pages import Pages
from briefpress.studio.preview import Previewer
from briefpress.studio.quotepage import QuotePages
from briefpress.studio.recipientlists import Recipients
from briefpress.studio.rowfix import RowFixes
from briefpress.studio.security import CsrfGuard, Session
from briefpress.studio.sendforms import SendForms
from briefpress.studio.sending import Sending
from briefpress.studio.start import Start, StartFirst, may_start
from briefpress.studio.store import ProjectFiles
from briefpress.studio.team_app import TeamMode, team_serving
from briefpress.studio.upload import Imports

STATIC = Path(__file__).parent / "static"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def create_app(
    root: Path,
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS,
    warm: bool = True,
    team: TeamMode | None = None,
) -> Starlette:
    """The studio over the project at ``root``; ``team``: behind a login (team mode)."""
    files = ProjectFiles(root)
    session = team.session if team else Session()
    previewer = Previewer(files.root)
    imports = Imports(files.root)  # the API runs them, the review names the one that opened it
    api = Api(files, session, previewer, imports)
    pages = Pages(files, session, imports)
    sending = Sending(files.root, pages)
    sending.hook_pages(pages.env)
    making = LetterMaking(files.root, sending=lambda letter: sending_now(sending, letter))
    sending.mailings.making = making.running
    recipients = Recipients(files.root, pages)
    if team:
        team.hook_pages(pages.env)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if warm:  # fonts and WeasyPrint loaded while the person looks at the first page
            threading.Thread(target=previewer.warm, daemon=True).start()
        yield

    routes = [
        *Start(files.root, pages).routes(),
        *(team.routes() if team else []),
        *sending.routes(),
        *SendForms(sending, files).routes(),
        *recipients.routes(),
        *RowFixes(files.root, recipients).routes(),
        *LetterFiles(files.root).routes(),
        *LetterPages(files, pages, making).routes(),
        *MailSettingsRoutes(files).routes(),
        *QuotePages(files, pages).routes(),
        *DataForms(files, pages).routes(),
        *BriefForms(files, pages).routes(),
        *api.routes(),
        *pages.routes(),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)),
        *(team.middleware() if team else []),
        Middleware(CsrfGuard, session=session),
        Middleware(StartFirst, root=files.root),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.files, app.state.session, app.state.previewer = files, session, previewer
    return app


def sending_now(sending: Sending, letter: str) -> bool:
    job = sending.mailings.job(letter)
    return job is not None and job.state in ("preparing", "sending")


def serve(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    tls: tuple[Path, Path] | None = None,
    team: bool = False,
) -> None:
    """Run the studio until Ctrl-C; ``port`` 0 picks a free port. Prints the address.
    ``tls``: a certificate and its key, for https; ``team``: a login even on loopback
    (behind a reverse proxy on this machine)."""
    if not (root / "briefs").is_dir() and not may_start(root):
        raise BriefpressError(
            "no briefs/ folder here: this is not a briefpress project "
            "(start one with: briefpress init, or in the studio from an empty folder; "
            "or name one with -C DIR)"
        )
    mode, hosts, options = team_serving(root, host, LOOPBACK, tls, team)
    sock = listen(host, port)
    shown = f"[{host}]" if ":" in host else host
    url = f"{'https' if tls else 'http'}://{shown}:{sock.getsockname()[1]}/"
    app = create_app(root, hosts or (*LOCAL_HOSTS, host), team=mode)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
        lifespan="on",
        **options,
    )
    print(f"Studio open at {url} (Ctrl-C to stop)", flush=True)
    PreviewServer(config, on_exit=lambda: None).run(sockets=[sock])
