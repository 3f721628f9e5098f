"""Re-executes every walkthrough in notebooks/ in place, so that the stored files show
their outputs and figures (on a repository page, without running anything).

Run from the repository root, on the backend the stored outputs should show:

    KERAS_BACKEND=jax python notebooks/execute.py            # all notebooks
    KERAS_BACKEND=jax python notebooks/execute.py 01 04      # those whose name starts so

Each notebook runs top to bottom in a fresh kernel (nbclient), in a temporary working
folder, and is written back only when no cell failed. Figures render inline
(``%matplotlib inline`` in the notebooks), so they are stored as ``image/png`` outputs;
``tests/test_notebooks.py`` checks that every figure cell has one.
"""

import argparse
import os
import pathlib
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent


def execute(path, timeout=1800):
    """Executes one notebook and writes it back; returns the seconds it took."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kzoo_nb_") as workdir:
        client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                         resources={"metadata": {"path": workdir}})
        client.execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefixes", nargs="*", help="only notebooks whose name starts so")
    args = parser.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "jax")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # The kernel imports this checkout's kzoo, whatever is installed.
    root = str(HERE.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH")) if p)
    paths = [p for p in sorted(HERE.glob("*.ipynb"))
             if not args.prefixes or p.name.startswith(tuple(args.prefixes))]
    if not paths:
        parser.error(f"no notebook matches {args.prefixes}")
    for path in paths:
        print(f"{path.name}: executing on {os.environ['KERAS_BACKEND']} ...", flush=True)
        print(f"{path.name}: stored with outputs ({execute(path):.0f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
