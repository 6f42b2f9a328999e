"""`siyada config check`: validate the config file and the egress allow-list."""

from __future__ import annotations

import typer

from siyada.cli.common import current_settings, err, out

config_app = typer.Typer(help="Check the configuration.", no_args_is_help=True)


@config_app.command("check")
def config_check() -> None:
    """Validate the config file and the egress allow-list; exit 2 with the reasons when unusable."""
    from siyada.gateway.egress import EgressPolicy
    from siyada.gateway.registry import egress_problems

    settings = current_settings()
    cfg = settings.file
    problems = egress_problems(cfg)
    out.print(f"config file: {settings.config_path or '(none, defaults)'}", highlight=False)
    out.print(f"database: {settings.database_url}", highlight=False)
    out.print(
        f"egress allow-list: {', '.join(EgressPolicy.from_entries(cfg.egress_allow).describe()) or 'empty'}",
        highlight=False,
    )
    for p in cfg.providers:
        mark = "refused" if any(f"provider {p.name!r}" in x for x in problems) else "ok"
        out.print(f"provider {p.name}: {p.url} [{mark}]", highlight=False)
    if problems:
        for p in problems:
            err.print(f"[bold red]egress refused:[/] {p}", highlight=False)
        raise typer.Exit(2)
    out.print("configuration OK")
