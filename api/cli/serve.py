"""``luutru serve``: the API and web pages in one process (uvicorn); without a broker,
submissions are ingested by background threads of the same process."""
from __future__ import annotations

import typer

from api.cli.app import app


@app.command()
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Địa chỉ lắng nghe."),
          port: int = typer.Option(8000, "--port", help="Cổng."),
          log_level: str = typer.Option("info", "--log-level")) -> None:
    """Chạy máy chủ web (API /api/v1 và các trang tiếng Việt)."""
    import uvicorn

    from api.app import create_app
    uvicorn.run(create_app(warm_pdfa_validator=True), host=host, port=port, log_level=log_level, proxy_headers=True)
