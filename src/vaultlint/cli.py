"""The command line.  Every command returns an exit code; click never decides it (DESIGN.md §5).

Exit codes: 0 nothing at or above the failure threshold, 1 problems found,
2 usage, configuration or internal error.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__

# The rules, the model and the vault are imported inside the commands that use
# them: ``vaultlint --version`` (run by every pre-commit and CI job) then loads click only.

if TYPE_CHECKING:  # pragma: no cover
    from .config import Settings
    from .engine import LintOptions, Report

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2
#: 128 + SIGINT, as shells report a program stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


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
# readable=False: a file that cannot be read is VL001 like any other, not the end of the run
# (a pre-commit hook names every staged file; one of them unreadable must not hide the rest).
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option(
    "--vault-root", type=click.Path(path_type=Path), help="The vault's root folder (default: found from PATHS)."
)
@click.option("--obsidian-dir", help="Name of the vault's config folder (default: .obsidian).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this config file.")
@click.option(
    "--output-format",
    type=click.Choice(["full", "concise", "json", "github", "sarif", "junit", "gitlab", "markdown"]),
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
@click.option("--statistics", is_flag=True, help="Count diagnostics per rule, with totals and how many are fixable.")
@click.option(
    "--fix", "apply_fixes", is_flag=True, help="Apply safe fixes (FM005, FM006, FM010, links to renamed files)."
)
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print diagnostics only: no summary, no warnings.")
@click.option(
    "--staged",
    is_flag=True,
    help="The pre-commit hook: check the staged notes (folders stand for them) and the notes whose links "
    "they change; report only the problems the commit introduces.",
)
@click.option(
    "--new-since",
    metavar="REF",
    help="Report only the problems that the vault at git revision REF did not have: the notes changed "
    "since REF (folders stand for them) and the notes whose links they change.",
)
@click.option(
    "--baseline",
    "baseline_file",
    # Not click's dir_okay check: it follows links, and what the path is (a folder, a link the
    # repository committed, a FIFO) is refused in one line when it is read (vaultlint.safeio).
    type=click.Path(path_type=Path),
    help="Report only problems not recorded in this baseline file.",
)
@click.option("--update-baseline", is_flag=True, help="Write the --baseline file from this run's problems.")
@click.option("--watch", is_flag=True, help="Check again after every change to the vault, until Ctrl-C.")
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
    new_since: str | None,
    baseline_file: Path | None,
    update_baseline: bool,
    watch: bool,
) -> int:
    """Check the notes in PATHS (files or folders; default: the current folder).

    Links are always resolved against the whole vault around PATHS.
    """
    import dataclasses

    from .api import Overrides, build_options
    from .config import ConfigError
    from .engine import lint
    from .fixcommand import fix_command, naming
    from .git.run import GitError
    from .model import Severity
    from .report import MACHINE_FORMATS, ReportContext, render
    from .report.escape import escape
    from .ruledocs import rule_infos
    from .rules import ALL_RULES
    from .selection import SelectorError
    from .vault import VaultError

    if staged and new_since is not None:
        raise UsageError("--staged and --new-since cannot be combined (--staged compares the index with HEAD)")
    if watch:
        _refuse_with_watch(
            staged=staged, new_since=new_since is not None, diff=show_diff, update_baseline=update_baseline
        )
    for path in paths:  # an unreadable file is VL001 (see PATHS above); a folder cannot even be walked
        if os.path.isdir(path) and not os.access(path, os.R_OK | os.X_OK):
            raise UsageError(f"cannot read folder {path}")
    # The hook runs with no file when a commit stages no note: then --vault-root is the folder.
    paths = paths or ((vault_root,) if staged and vault_root is not None else ())
    overrides = Overrides(
        select=tuple(_split(select)),
        ignore=tuple(_split(ignore)),
        extend_select=tuple(_split(extend_select)),
        vault_root=vault_root,
        obsidian_dir=obsidian_dir,
        check_comments=check_comments,
        lint_templates=lint_templates,
        no_gitignore=no_gitignore,
        offline=offline,
        allow_private_urls=allow_private_urls,
        no_cache=no_cache,
        cache_dir=cache_dir,
        jobs=jobs,
        progress=sys.stderr.isatty() and not quiet,
        staged=staged,
        new_since=new_since,
        baseline=baseline_file,
        update_baseline=update_baseline,
    )
    try:
        options, settings = build_options(paths, config_file, overrides)
    except (ConfigError, SelectorError) as error:
        raise UsageError(str(error)) from error
    if update_baseline and options.baseline is None:
        raise UsageError('--update-baseline needs --baseline FILE (or baseline = "FILE" in the config)')
    if update_baseline and (staged or new_since is not None):
        raise UsageError("--update-baseline records every problem: run it without --staged or --new-since")
    if apply_fixes:
        options = dataclasses.replace(options, keep_baseline_current=True)

    def show(report: Report) -> int:
        """Print ``report`` as asked; its exit code."""
        if not quiet:
            for warning in report.warnings:
                click.echo(f"warning: {escape(warning)}", err=True)
        # A run that checked nothing must not pass as green (a CI job pointed at the wrong folder).
        # --staged (the hook) is exempt: a commit that stages no note is ordinary.
        nothing_in_scope = report.files_checked == 0 and not report.diagnostics and not _changes_only(options)
        if nothing_in_scope:  # said even with -q: it explains the exit code
            named = ", ".join(f'"{escape(str(path))}"' for path in (paths or (Path("."),)))
            click.echo(
                f"warning: no note, canvas or base to check in {named}"
                " (excluded, ignored by .gitignore, or in a template folder?)",
                err=True,
            )

        # Under pre-commit, `vaultlint` is not on the PATH: hints name the hook that fixes.
        command = fix_command(os.environ)
        diagnostics = naming(report.diagnostics, command)
        # Only the rules that have a result are described (SARIF): rendering every rule's docs costs 8 ms.
        found_codes = {d.code for d in diagnostics}
        context = ReportContext(
            rules=rule_infos(rule for rule in ALL_RULES if rule.code in found_codes),
            vault_root=report.vault_root,
            repo_root=_git_root(report.vault_root),
            cwd=Path.cwd(),
            color=_use_color(color) and output_file is None and output_format not in MACHINE_FORMATS,
            version=__version__,
            files_checked=report.files_checked,
            show_summary=not quiet,
            statistics=statistics,
            fix_command=command,
            nothing_in_scope=nothing_in_scope,
            notices=report.notices,
        )
        text = render(output_format, diagnostics, context)
        if output_file is not None:
            _write_report(output_file, text, report.vault_root)
        else:
            click.echo(text, nl=False, color=context.color)
        if report.url_summary and not quiet:
            click.echo(escape(report.url_summary), err=True)
        if options.baseline is not None and not quiet and not watch:  # a watch does not count what it hid
            click.echo(_baseline_line(report, update_baseline), err=True)
        if nothing_in_scope:
            return EXIT_ERROR
        if report.network_unavailable and _only_url_rules(options):
            return EXIT_ERROR  # the run was asked to check URLs and could check none: not a pass
        threshold = Severity(fail_on or settings.fail_on).rank
        failed = any(d.severity.rank >= threshold for d in diagnostics)
        return EXIT_PROBLEMS if failed and not exit_zero else EXIT_OK

    if watch:
        from .watch import Request, watch_vault

        fix_round = (lambda root, check: _fix_round(root, check, quiet)) if apply_fixes else None
        try:
            watch_vault(Request(paths, config_file, overrides), show, fix_round, output_file)
        except (VaultError, ConfigError, SelectorError, GitError) as error:
            raise UsageError(str(error)) from error
        return EXIT_OK  # not reached: only Ctrl-C ends a watch
    try:
        if show_diff:
            return _print_diff(lint(options), quiet)
        if apply_fixes:
            report = _fix(options, quiet)
        else:
            report = lint(options)
    except (VaultError, ConfigError, GitError) as error:
        raise UsageError(str(error)) from error
    return show(report)


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
    if cache_dir.is_symlink():  # emptying it would delete files somewhere else
        raise UsageError(f"{cache_dir} is a symlink, not a cache folder; left alone")
    removed = clear(cache_dir)
    from .report.escape import escape

    click.echo(f"removed {len(removed)} cache file{'s' if len(removed) != 1 else ''} from {escape(str(cache_dir))}")
    return EXIT_OK


def _text_or_json(json_help: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """The ``--output-format text|json`` option of the listing commands."""
    return click.option(
        "--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True, help=json_help
    )


@cli.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="Show every rule.")
@_text_or_json("json: one object for a rule, a list with --all.")
def rule(code: str | None, show_all: bool, output_format: str) -> int:
    """Explain a rule (by code or name), or list them all."""
    import json

    from .ruledocs import rule_info
    from .rules import ALL_RULES, RULES_BY_CODE, RULES_BY_NAME
    from .selection import did_you_mean

    if show_all or code is None:
        infos = [rule_info(item) for item in ALL_RULES]
        if output_format == "json":
            click.echo(json.dumps([info.to_json() for info in infos], indent=2, ensure_ascii=False))
            return EXIT_OK
        for info in infos:
            fixable = " [*]" if info.fixable else ""
            click.echo(f"{info.code}  {info.name:<28} {info.default:<8} {info.summary}{fixable}")
        return EXIT_OK
    found = RULES_BY_CODE.get(code.upper()) or RULES_BY_NAME.get(code)
    if found is None:
        raise UsageError(f'unknown rule "{code}"{did_you_mean(code)}')
    info = rule_info(found)
    if output_format == "json":
        click.echo(json.dumps(info.to_json(), indent=2, ensure_ascii=False))
        return EXIT_OK
    default = info.default if info.enabled_by_default else "off (select it to enable)"
    fixable = ", fixable with --fix" if info.fixable else ""
    click.echo(f"{info.code} {info.name} (default: {default}{fixable})\n")
    click.echo(f"{info.headline}\n\n{info.help_text}\n\nMore: {info.help_uri}")
    return EXIT_OK


def _baseline_line(report: Report, updated: bool) -> str:
    """What the baseline did: hid (or wrote) so many problems, and how many entries are stale."""
    count = report.baselined
    line = f"baseline: {'wrote' if updated else 'hid'} {count} known problem{'s' if count != 1 else ''}"
    stale = report.baseline_stale
    if stale and not updated:
        line += f"; {stale} entr{'ies are' if stale != 1 else 'y is'} stale (fixed since: --update-baseline drops them)"
    return line


def _refuse_with_watch(**asked: bool) -> None:
    """``--watch`` prints the whole vault's result again after each change: a one-off comparison
    (with the index, a revision), a diff or a baseline rewritten on every save make no sense there."""
    for name, given in asked.items():
        if given:
            raise UsageError(f"--watch cannot be combined with --{name.replace('_', '-')}")


def _changes_only(options: LintOptions) -> bool:
    """Whether the run checks only what git says changed (``--staged``; ``--new-since``), where no note in scope is an ordinary outcome, not a mistake."""
    return options.staged or options.new_since is not None


def _only_url_rules(options: LintOptions) -> bool:
    from .rules import Scope

    return all(rule.scope is Scope.URL for rule in options.selection.enabled_rules())


def _print_diff(report: Report, quiet: bool = False) -> int:
    """``--diff``: what ``--fix`` would change; exit 1 when there is something to change."""
    from .fix import plan_fixes
    from .report.diffpaths import relabel_diff

    plans, stale = plan_fixes(report.diagnostics, report.vault_root, report.fixable)
    _warn_not_fixed(stale)
    cwd = Path.cwd()
    terminal = sys.stdout.isatty()
    for plan in plans:
        click.echo(relabel_diff(plan.diff(), plan.path, report.vault_root, cwd, terminal), nl=False)
    count = sum(plan.count for plan in plans)
    if not quiet:
        click.echo(
            f"{count} fixable problem{'s' if count != 1 else ''} in {len(plans)} note{'s' if len(plans) != 1 else ''}.",
            err=True,
        )
    return EXIT_PROBLEMS if plans else EXIT_OK


def _fix(options: LintOptions, quiet: bool = False) -> Report:
    """``--fix``: check, write the fixes, then check again so the report shows what is left."""
    from .engine import lint, locate_vault

    root = locate_vault(options.paths, options.vault_root, options.obsidian_dir, options.config_folder)
    return _fix_round(root, lambda _written: lint(options), quiet)[0]


def _fix_round(
    root: Path, check: Callable[[Sequence[Path]], Report], quiet: bool = False
) -> tuple[Report, tuple[Path, ...]]:
    """One ``--fix`` round of the vault at ``root``: ``check(())``, write the fixes, then
    ``check(written)`` so the report shows what is left; ``(report, files written)``.

    From the check to the last write the run holds the vault's fix lock: a second
    ``--fix`` on the same vault waits, then checks the notes as this one left them.
    """
    from .fix import plan_fixes, vault_lock, write_fixes

    with vault_lock(root):
        report = check(())
        plans, stale = plan_fixes(report.diagnostics, report.vault_root, report.fixable)
        written, refused = write_fixes(plans, report.vault_root)
    _warn_not_fixed([*stale, *((plan.path, why) for plan, why in refused)])
    count = sum(plan.count for plan in written)
    if not quiet:
        click.echo(
            f"Fixed {count} problem{'s' if count != 1 else ''} in {len(written)} note{'s' if len(written) != 1 else ''}.",
            err=True,
        )
    paths = tuple(Path(plan.fs_path or report.vault_root / plan.path) for plan in written)
    return (check(paths) if written else report), paths


def _warn_not_fixed(refused: list[tuple[str, str]]) -> None:
    from .report.escape import escape

    for path, why in refused:
        click.echo(f"warning: {escape(path)} not fixed: {escape(why)}", err=True)


def _write_report(output_file: Path, text: str, vault_root: Path) -> None:
    """``-o FILE``: anywhere the user says, but never through a symbolic link inside the repository
    (a pull request can commit ``vaultlint.sarif`` as a link to a file outside it) nor through a link
    at the name itself; written whole or not at all (see :mod:`vaultlint.safeio`)."""
    from .safeio import RefusedFile, repository_of, write_file

    try:
        write_file(output_file, text.encode("utf-8"), repository_of(vault_root))
    except RefusedFile as error:
        raise UsageError(f"cannot write the report: {error}") from error
    except OSError as error:
        raise UsageError(f"cannot write {output_file}: {error.strerror or error}") from error


def _git_root(folder: Path) -> Path | None:
    """The git work tree holding ``folder`` (found by walking up to ``.git``), if any."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--vault-root", type=click.Path(path_type=Path), help="The vault's root folder.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this config file.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@_text_or_json('json: a list of {"name", "notes"} objects, most linked first.')
def placeholders(
    path: Path | None, vault_root: Path | None, config_file: Path | None, no_cache: bool, output_format: str
) -> int:
    """List the placeholders of the vault around PATH: bare [[links]] to notes not written yet,
    with how many notes link each, most first.  Near misses of existing notes are typos, not listed."""
    import dataclasses

    from .api import Overrides, build_options
    from .config import ConfigError
    from .engine import lint
    from .placeholders import format_listing
    from .selection import build_selection
    from .vault import VaultError

    try:
        # The same options as `vaultlint check` (config, vault root, exclusions), then only what
        # a listing needs: every LK001, placeholders allowed and counted, no git.
        options, _ = build_options(
            (path or Path("."),), config_file, Overrides(vault_root=vault_root, offline=True, no_cache=no_cache)
        )
        options = dataclasses.replace(
            options,
            selection=build_selection(select=["LK001"]),
            use_git=False,
            allow_placeholders=True,
            list_placeholders=True,
        )
        report = lint(options)
    except (VaultError, ConfigError) as error:
        raise UsageError(str(error)) from error
    click.echo(format_listing(report.placeholders, output_format), nl=False)
    return EXIT_OK


@cli.command()
def server() -> int:
    """Run the language server on stdin/stdout, for editors (Neovim, Helix, VS Code, Zed).

    The vault is the one around the editor's workspace folder, found as `check` finds it,
    with its own config file.  External URLs are not checked."""
    from .server.headstart import begin

    # The client's `initialize` read ahead, and the vault it names indexed on the other core
    # while the framework is imported.
    first_bytes, head_start = begin()
    from .server.startup import import_protocol_types

    import_protocol_types()  # before pygls needs them: with attrs' scripts compiled on an earlier start
    from .server.app import main as serve  # pygls is imported here only, never by `check`

    return serve(first_bytes, head_start)


@cli.command(name="config")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Use this config file.")
def show_config(path: Path | None, config_file: Path | None) -> int:
    """Print the effective settings for PATH (default: the current folder)."""
    import dataclasses

    from .config import ConfigError, describe, load_settings
    from .report.escape import escape
    from .selection import SelectorError
    from .vault import VaultError

    try:
        settings = load_settings(path or Path("."), config_file)
        found = _found_section(path or Path("."), settings)
    except (ConfigError, SelectorError, VaultError) as error:
        raise UsageError(str(error)) from error
    text = describe(dataclasses.replace(settings, urls={})) + _urls_section(settings.urls) + found
    click.echo("\n".join(escape(line) for line in text.split("\n")), nl=False)  # the file's text, inert
    return EXIT_OK


def _found_section(path: Path, settings: Settings) -> str:
    """What a check of ``path`` would find besides the settings: the vault root, the template and
    attachment folders, and the rules in effect with their severity.  TOML comments, so that the
    output stays a config file."""
    from .engine import locate_vault
    from .rules import ALL_RULES
    from .selection import selection_from_settings
    from .vault import read_obsidian_settings

    config_folder = settings.source.parent if settings.source else None
    root = locate_vault([path], settings.vault_root, settings.obsidian_dir, config_folder)
    own = read_obsidian_settings(root, settings.obsidian_dir)
    effective = read_obsidian_settings(root, settings.obsidian_dir, settings.template_folders)
    if own.template_folders:
        templates = f"{', '.join(own.template_folders)} (from {settings.obsidian_dir}/)"
    elif effective.template_folders:
        templates = f"{', '.join(effective.template_folders)} (from template-folders)"
    else:
        templates = f"none ({settings.obsidian_dir}/ names none; set template-folders to name them)"
    attachments = own.attachment_folder or f"not set in {settings.obsidian_dir}/app.json"
    selection = selection_from_settings(settings, [], [], [])
    rules = selection.enabled_rules()
    lines = [
        "",
        f"# Found for {os.path.abspath(path)}:",
        f"# vault root: {root}",
        f"# template folders: {templates}",
        f"# attachment folder: {attachments}",
        f"# rules in effect ({len(rules)} of {len(ALL_RULES)}; per-file-ignores aside):",
    ]
    lines += [f"#   {rule.code}  {rule.name:<28} {selection.severity_of(rule).value}" for rule in rules]
    return "\n".join(lines) + "\n"


def _urls_section(configured: object) -> str:
    """The effective ``[urls]`` table: every key with the config's value or its default."""
    from collections.abc import Mapping

    from .config import _toml
    from .urls.settings import _TOP_LEVEL, UrlSettings

    table = configured if isinstance(configured, Mapping) else {}
    defaults = UrlSettings()
    lines = ["", "[urls]"]
    for key, (attribute, _) in _TOP_LEVEL.items():
        if key in table:
            value = table[key]
        elif key == "accept-statuses":
            value = ["200-299"]
        elif key == "cache-max-age-days":
            value = defaults.cache_max_age / 86400
        elif key == "hosts":
            continue  # per-host overrides: none unless configured
        else:
            value = getattr(defaults, attribute)
        marker = "" if key in table else "  # default"
        lines.append(f"{key} = {_toml(value)}{marker}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Entry point: run click without letting it exit, map every outcome to an exit code."""
    try:
        result = cli.main(args=argv, prog_name="vaultlint", standalone_mode=False)
    except UsageError as error:
        from .report.escape import escape

        click.echo(f"vaultlint: error: {escape(str(error))}", err=True)
        return EXIT_ERROR
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.UsageError as error:
        # click's own form is four lines (usage, "Try --help", blank, error); ours is one, like every
        # other error, so that a hook runner's or CI log shows what went wrong on the line it keeps.
        from .report.escape import escape

        command = error.ctx.command_path if error.ctx is not None else "vaultlint"
        click.echo(f"vaultlint: error: {escape(error.format_message())} (see '{command} --help')", err=True)
        return EXIT_ERROR
    except click.ClickException as error:
        error.show()
        return EXIT_ERROR
    except click.exceptions.Abort as error:
        if isinstance(error.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort
            return _interrupted()
        click.echo("vaultlint: aborted", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - last line of defence: one line, never a traceback
        from .report.escape import escape

        message = escape(f"{type(error).__name__}: {error}")
        click.echo(f"vaultlint: internal error: {message} (please report this)", err=True)
        if os.environ.get("VAULTLINT_DEBUG"):
            raise
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_OK


def _interrupted() -> int:
    """Ctrl-C: what was learnt is already in the caches (engine, URL checker); the shell's code for SIGINT."""
    try:
        click.echo("vaultlint: interrupted", err=True)
    except (OSError, KeyboardInterrupt):
        pass
    return EXIT_INTERRUPTED


def entry_point() -> None:
    # One short-lived process: the cyclic garbage collector would walk every imported object
    # several times during start-up and the vault walk (3 % of a warm pre-commit check), and
    # the engine turns it off for its own work anyway.  Reference counting still frees memory.
    gc.disable()
    code = main()
    # What is left is freeing the run's objects one by one as the interpreter shuts down:
    # about a second after a cold 20,000-note run, for memory the OS takes back at once.
    # Every file and pool is closed by now (context managers), so flush and leave.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the output is incomplete
        code = EXIT_ERROR
    os._exit(code)
