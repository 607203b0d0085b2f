"""Command line: `python -m rnncourse check | figures [DIR]`."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnncourse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="report versions, the widget extension and the data files")
    figures = commands.add_parser("figures", help="regenerate every diagram in figures/")
    figures.add_argument("directory", nargs="?", default=None, help="default: the repository's figures/")
    args = parser.parse_args(argv)
    if args.command == "check":
        from .setup_check import run
        return 0 if run() else 1
    from .figures import write_figures
    from .setup_check import REPO
    for path in write_figures(args.directory or REPO / "figures"):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
