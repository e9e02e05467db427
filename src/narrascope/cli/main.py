"""Entry point of the ``narrascope`` command."""

from __future__ import annotations

import sys

import click

from narrascope.cli.analyze import analyze
from narrascope.cli.ingest import ingest
from narrascope.cli.run import duplicates, run
from narrascope.cli.semeval import predict, score, semeval
from narrascope.cli.serve import serve
from narrascope.cli.store_commands import export, list_articles, schema, search, show
from narrascope.cli.train import train
from narrascope.errors import NarrascopeError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="narrascope")
def cli() -> None:
    """narrascope: who is cast how, which narratives, which persuasion techniques, in news articles."""


for command in (analyze, ingest, show, list_articles, search, export, schema, semeval, train, serve, run, duplicates):
    cli.add_command(command)

# --- task commands: each module adds its own lines here -------------------------
# (example) from narrascope.cli.roles_commands import st1_predict, st1_score, train_roles
# predict.add_command(st1_predict, "st1"); score.add_command(st1_score, "st1"); train.add_command(train_roles, "roles")
from narrascope.cli.roles_commands import st1_predict, st1_score, train_roles  # noqa: E402

predict.add_command(st1_predict, "st1")
score.add_command(st1_score, "st1")
train.add_command(train_roles, "roles")
from narrascope.cli.narratives_commands import st2_predict, st2_score, st3_predict, st3_score  # noqa: E402
from narrascope.cli.narratives_commands import train_narratives_command  # noqa: E402

predict.add_command(st2_predict, "st2")
predict.add_command(st3_predict, "st3")
score.add_command(st2_score, "st2")
score.add_command(st3_score, "st3")
train.add_command(train_narratives_command, "narratives")
from narrascope.cli.techniques_commands import techniques_predict, techniques_score, train_techniques  # noqa: E402

predict.add_command(techniques_predict, "techniques")
score.add_command(techniques_score, "techniques")
train.add_command(train_techniques, "techniques")
# ---------------------------------------------------------------------------------
_ = (predict, score)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="narrascope", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except NarrascopeError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
