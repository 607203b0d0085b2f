"""Command line: `python -m rnncourse check | figures [DIR] | execute NOTEBOOK`."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnncourse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="report versions, the widget extension and the data files")
    figures = commands.add_parser("figures", help="regenerate every diagram in figures/")
    figures.add_argument("directory", nargs="?", default=None, help="default: the repository's figures/")
    execute = commands.add_parser("execute", help="re-execute a notebook in place (stored outputs refreshed)")
    execute.add_argument("notebook")
    args = parser.parse_args(argv)
    if args.command == "check":
        from .check import run
        return 0 if run() else 1
    if args.command == "execute":
        from .execution import execute_notebook
        print(f"executed {execute_notebook(args.notebook)}")
        return 0
    from .figures import write_figures
    from .check import REPO
    for path in write_figures(args.directory or REPO / "figures"):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
