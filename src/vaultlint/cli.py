"""The command line.  Every command returns an exit code; click never decides it (DESIGN.md §5).

Exit codes: 0 nothing at or above the failure threshold, 1 problems found,
2 usage, configuration or internal error.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__

# The rules, the model and the vault are imported inside the commands that use
# them: ``vaultlint --version`` (run by every pre-commit and CI job) then loads click only.

if TYPE_CHECKING:  # pragma: no cover
    from .engine import LintOptions, Report

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A one-line error for the user; exit code 2."""


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultlint")
def cli() -> None:
    """vaultlint: a linter and link checker that agrees with Obsidian."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--vault-root", type=click.Path(path_type=Path), help="The vault's root folder (default: found from PATHS)."
)
@click.option("--obsidian-dir", help="Name of the vault's config folder (default: .obsidian).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this config file.")
@click.option(
    "--output-format",
    type=click.Choice(["full", "concise", "json", "github", "sarif", "junit", "gitlab"]),
    default="full",
    show_default=True,
    help="How to print diagnostics.",
)
@click.option("-o", "--output-file", type=click.Path(path_type=Path), help="Write the report to this file.")
@click.option("--select", multiple=True, help="Only these rules: codes, prefixes or names, comma-separated.")
@click.option("--ignore", multiple=True, help="Not these rules: codes, prefixes or names, comma-separated.")
@click.option("--extend-select", multiple=True, help="These rules in addition to the default ones.")
@click.option("--check-comments", is_flag=True, help="Also report links and tags inside %% comments.")
@click.option("--lint-templates", is_flag=True, help="Also report on notes in template folders.")
@click.option("--no-gitignore", is_flag=True, help="Report on files that .gitignore ignores too.")
@click.option("--offline", is_flag=True, help="Do not check external URLs (no network).")
@click.option("--allow-private-urls", is_flag=True, help="Also fetch URLs on loopback and private addresses.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--cache-dir", type=click.Path(path_type=Path), help="Where to keep the cache (default: <vault>/.vaultlint-cache)."
)
@click.option("--jobs", type=click.IntRange(min=1), help="Processes for parsing (default: one per core).")
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that fails (default: error)."
)
@click.option("--statistics", is_flag=True, help="Print a count per rule instead of each diagnostic.")
@click.option(
    "--fix", "apply_fixes", is_flag=True, help="Apply safe fixes (FM005, FM006, FM010, links to renamed files)."
)
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics only, no summary.")
@click.option(
    "--staged",
    is_flag=True,
    help="Check the staged notes (folders stand for their staged notes) and the links that staged "
    "renames and deletions break in other notes: the pre-commit hook.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only problems not recorded in this baseline file.",
)
@click.option("--update-baseline", is_flag=True, help="Write the --baseline file from this run's problems.")
def check(
    paths: tuple[Path, ...],
    vault_root: Path | None,
    obsidian_dir: str | None,
    config_file: Path | None,
    output_format: str,
    output_file: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    check_comments: bool,
    lint_templates: bool,
    no_gitignore: bool,
    offline: bool,
    allow_private_urls: bool,
    no_cache: bool,
    cache_dir: Path | None,
    jobs: int | None,
    fail_on: str | None,
    statistics: bool,
    apply_fixes: bool,
    show_diff: bool,
    exit_zero: bool,
    color: str,
    quiet: bool,
    staged: bool,
    baseline_file: Path | None,
    update_baseline: bool,
) -> int:
    """Check the notes in PATHS (files or folders; default: the current folder).

    Links are always resolved against the whole vault around PATHS.
    """
    from .config import ConfigError, load_settings
    from .engine import LintOptions, lint
    from .model import Severity
    from .report import FORMATTERS, MACHINE_FORMATS, ReportContext
    from .rules import RULES_BY_CODE
    from .selection import SelectorError, selection_from_settings
    from .vault import VaultError

    start = paths[0] if paths else Path(".")
    if update_baseline and baseline_file is None:
        raise UsageError("--update-baseline needs --baseline FILE")
    try:
        settings = load_settings(start, config_file)
        selection, unknown = selection_from_settings(settings, _split(select), _split(ignore), _split(extend_select))
    except ConfigError as error:
        raise UsageError(str(error)) from error
    except SelectorError as error:
        raise UsageError(str(error)) from error
    options = LintOptions(
        # The hook runs with no file when a commit stages no note: then --vault-root is the folder.
        paths=paths or ((vault_root,) if staged and vault_root is not None else (Path("."),)),
        vault_root=vault_root,
        obsidian_dir=obsidian_dir or settings.obsidian_dir,
        selection=selection,
        check_comments=check_comments or settings.check_comments,
        respect_gitignore=settings.respect_gitignore and not no_gitignore,
        respect_obsidian_excluded=settings.respect_obsidian_excluded,
        lint_templates=lint_templates or settings.lint_templates,
        exclude=settings.exclude,
        offline=offline,
        config_folder=settings.source.parent if settings.source else None,
        use_cache=not no_cache,
        cache_dir=cache_dir,
        jobs=jobs or os.cpu_count() or 1,
        types=settings.types,
        schema=settings.schema,
        config_file=settings.source,
        config_unknown=tuple(unknown),
        urls=settings.urls,
        allow_private_urls=allow_private_urls,
        progress=sys.stderr.isatty() and not quiet,
        staged=staged,
        allow_placeholders=settings.allow_placeholders,
        baseline=baseline_file,
        update_baseline=update_baseline,
    )
    try:
        report = lint(options)
        if show_diff:
            return _print_diff(report)
        if apply_fixes:
            report = _fix(report, options)
    except (VaultError, ConfigError) as error:
        raise UsageError(str(error)) from error
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)

    context = ReportContext(
        rules=RULES_BY_CODE,
        vault_root=report.vault_root,
        repo_root=_git_root(report.vault_root),
        cwd=Path.cwd(),
        color=_use_color(color) and output_file is None and output_format not in MACHINE_FORMATS,
        version=__version__,
        files_checked=report.files_checked,
        show_summary=not quiet,
    )
    if statistics and output_format not in MACHINE_FORMATS:
        text = _statistics(report.diagnostics)
    else:
        text = FORMATTERS[output_format](report.diagnostics, context)
    if output_file is not None:
        try:
            output_file.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {output_file}: {error.strerror}") from error
    else:
        click.echo(text, nl=False, color=context.color)
    if report.url_summary and not quiet:
        click.echo(report.url_summary, err=True)
    if baseline_file is not None and not quiet:
        verb = "wrote" if update_baseline else "hid"
        click.echo(f"baseline: {verb} {report.baselined} known problem{'s' if report.baselined != 1 else ''}", err=True)
    fail_on = fail_on or settings.fail_on
    threshold = Severity(fail_on).rank
    failed = any(d.severity.rank >= threshold for d in report.diagnostics)
    return EXIT_PROBLEMS if failed and not exit_zero else EXIT_OK


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--vault-root", type=click.Path(path_type=Path), help="The vault's root folder.")
@click.option("--obsidian-dir", default=".obsidian", show_default=True, help="Name of the vault's config folder.")
@click.option("--cache-dir", type=click.Path(path_type=Path), help="The cache folder to empty.")
def clean(path: Path | None, vault_root: Path | None, obsidian_dir: str, cache_dir: Path | None) -> int:
    """Empty vaultlint's cache of the vault around PATH (default: the current folder)."""
    from .cache import clear
    from .engine import CACHE_FOLDER, locate_vault
    from .vault import VaultError

    if cache_dir is None:
        try:
            root = locate_vault([path or Path(".")], vault_root, obsidian_dir, None)
        except VaultError as error:
            raise UsageError(str(error)) from error
        cache_dir = root / CACHE_FOLDER
    removed = clear(cache_dir)
    click.echo(f"removed {len(removed)} cache file{'s' if len(removed) != 1 else ''} from {cache_dir}")
    return EXIT_OK


@cli.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="Show every rule.")
def rule(code: str | None, show_all: bool) -> int:
    """Explain a rule (by code or name), or list them all."""
    from .rules import ALL_RULES, RULES_BY_CODE, RULES_BY_NAME

    if show_all or code is None:
        for item in ALL_RULES:
            default = item.severity.value if item.enabled_by_default else "off"
            click.echo(f"{item.code}  {item.name:<28} {default:<8} {item.summary}")
        return EXIT_OK
    found = RULES_BY_CODE.get(code.upper()) or RULES_BY_NAME.get(code)
    if found is None:
        raise UsageError(f'unknown rule "{code}" (see `vaultlint rule --all`)')
    default = found.severity.value if found.enabled_by_default else "off (select it to enable)"
    click.echo(f"{found.code} {found.name} (default: {default})\n")
    click.echo(textwrap.dedent(found.doc).strip())
    return EXIT_OK


def _print_diff(report: Report) -> int:
    """``--diff``: what ``--fix`` would change; exit 1 when there is something to change."""
    from .fix import plan_fixes

    plans = plan_fixes(report.diagnostics, report.vault_root)
    for plan in plans:
        click.echo(plan.diff(), nl=False)
    count = sum(plan.count for plan in plans)
    click.echo(
        f"{count} fixable problem{'s' if count != 1 else ''} in {len(plans)} note{'s' if len(plans) != 1 else ''}.",
        err=True,
    )
    return EXIT_PROBLEMS if plans else EXIT_OK


def _fix(report: Report, options: LintOptions) -> Report:
    """``--fix``: write the fixes, then check again so the report shows what is left."""
    from .engine import lint
    from .fix import plan_fixes, write_fix

    plans = plan_fixes(report.diagnostics, report.vault_root)
    written = [plan for plan in plans if write_fix(plan, report.vault_root)]
    count = sum(plan.count for plan in written)
    click.echo(
        f"Fixed {count} problem{'s' if count != 1 else ''} in {len(written)} note{'s' if len(written) != 1 else ''}.",
        err=True,
    )
    return lint(options) if written else report


def _git_root(folder: Path) -> Path | None:
    """The git work tree holding ``folder`` (found by walking up to ``.git``), if any."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _statistics(diagnostics: tuple) -> str:  # type: ignore[type-arg]
    from collections import Counter

    counts = Counter((d.code, d.name) for d in diagnostics)
    lines = [
        f"{count:>6}  {code}  {name}" for (code, name), count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
    ]
    return "\n".join(lines) + ("\n" if lines else "")


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--vault-root", type=click.Path(path_type=Path), help="The vault's root folder.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this config file.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
def placeholders(path: Path | None, vault_root: Path | None, config_file: Path | None, no_cache: bool) -> int:
    """List the placeholders of the vault around PATH: bare [[links]] to notes not written yet,
    with how many notes link each, most first.  Near misses of existing notes are typos, not listed."""
    from .config import ConfigError, load_settings
    from .engine import LintOptions, lint
    from .placeholders import format_listing
    from .selection import build_selection
    from .vault import VaultError

    start = path or Path(".")
    try:
        settings = load_settings(start, config_file)
        options = LintOptions(
            paths=(start,),
            vault_root=vault_root,
            obsidian_dir=settings.obsidian_dir,
            selection=build_selection(select=["LK001"]),
            respect_gitignore=settings.respect_gitignore,
            respect_obsidian_excluded=settings.respect_obsidian_excluded,
            lint_templates=settings.lint_templates,
            exclude=settings.exclude,
            offline=True,
            config_folder=settings.source.parent if settings.source else None,
            use_cache=not no_cache,
            jobs=os.cpu_count() or 1,
            use_git=False,
            allow_placeholders=True,
            list_placeholders=True,
        )
        report = lint(options)
    except (VaultError, ConfigError) as error:
        raise UsageError(str(error)) from error
    click.echo(format_listing(report.placeholders), nl=False)
    return EXIT_OK


@cli.command(name="config")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this config file.")
def show_config(path: Path | None, config_file: Path | None) -> int:
    """Print the effective settings for PATH (default: the current folder)."""
    from .config import ConfigError, describe, load_settings

    try:
        settings = load_settings(path or Path("."), config_file)
    except ConfigError as error:
        raise UsageError(str(error)) from error
    click.echo(describe(settings), nl=False)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point: run click without letting it exit, map every outcome to an exit code."""
    try:
        result = cli.main(args=argv, prog_name="vaultlint", standalone_mode=False)
    except UsageError as error:
        click.echo(f"vaultlint: error: {error}", err=True)
        return EXIT_ERROR
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("vaultlint: aborted", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - last line of defence: one line, never a traceback
        click.echo(f"vaultlint: internal error: {type(error).__name__}: {error} (please report this)", err=True)
        if os.environ.get("VAULTLINT_DEBUG"):
            raise
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_OK


def entry_point() -> None:
    sys.exit(main())
