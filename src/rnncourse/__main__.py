"""Command line: `python -m rnncourse check | figures [DIR] | train-lm [--steps N] [--out DIR]`."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnncourse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="report versions, the widget extension and the data files")
    figures = commands.add_parser("figures", help="regenerate every diagram in figures/")
    figures.add_argument("directory", nargs="?", default=None, help="default: the repository's figures/")
    commands.add_parser("train-lm", add_help=False,
                        help="train the shipped character model and write it to data/ (--help for its options)")
    args, rest = parser.parse_known_args(argv)
    if args.command == "train-lm":
        from .train_lm import main as train_lm
        return train_lm(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
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
