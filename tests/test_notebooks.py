"""Every walkthrough in notebooks/ runs top to bottom on the current backend, draws its
figures, and is stored executed (``notebooks/execute.py``) with them visible."""

import os
import pathlib

import pytest

NOTEBOOKS = sorted((pathlib.Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))

#: A code cell containing one of these draws a figure and must output an image.
FIGURE_CALLS = ("plt.show(", ".plot(", "report.plot")


def _code_cells(nb):
    return [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def _images(cell):
    return [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]


def _figure_cells_without_image(nb):
    return [i for i, cell in _code_cells(nb)
            if any(call in cell.source for call in FIGURE_CALLS) and not _images(cell)]


#: The backend that executes a notebook when not every backend does: in CI (``CI=true``,
#: 2 cores, a time budget) every notebook; locally, the notebooks that measure the guide's
#: claims (dozens of seeded trainings each: minutes on JAX, 5-10x that on TensorFlow and
#: PyTorch for such small models). ``KZOO_NOTEBOOK_BACKENDS=all`` executes every notebook
#: on the current backend. The stored-notebook checks below run everywhere.
CI_BACKEND = "jax"

def _measures_claims(path):
    from kzoo.experiments import MIME_TYPE  # the output a claim verdict stores

    return MIME_TYPE in path.read_text(encoding="utf-8")


def _skip_reason(path, backend):
    if backend == CI_BACKEND or os.environ.get("KZOO_NOTEBOOK_BACKENDS") == "all":
        return None
    if os.environ.get("CI") == "true":
        return f"CI executes the notebooks on {CI_BACKEND} only (time budget)"
    if _measures_claims(path):
        return (f"{path.name} measures claims: executed on {CI_BACKEND} "
                "(KZOO_NOTEBOOK_BACKENDS=all runs it here)")
    return None


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_draws_its_figures(path, tmp_path):
    import keras

    reason = _skip_reason(path, keras.backend.backend())
    if reason:
        pytest.skip(reason)
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    # The kernel inherits KERAS_BACKEND; %matplotlib inline in the notebook turns
    # figures into image/png outputs whatever MPLBACKEND says.
    os.environ.setdefault("MPLBACKEND", "Agg")
    client = nbclient.NotebookClient(nb, timeout=900, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for _, cell in _code_cells(nb)
              for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    missing = _figure_cells_without_image(nb)
    assert not missing, (f"{path.name}: code cell(s) {missing} draw a figure but output no "
                         "image/png (use %matplotlib inline, not matplotlib.use('Agg'))")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_notebook_shows_its_outputs_and_figures(path):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(path, as_version=4)
    cells = _code_cells(nb)
    assert all(cell.get("execution_count") for _, cell in cells if cell.source.strip()), (
        f"{path.name} is stored unexecuted: run python notebooks/execute.py")
    assert any(_images(cell) for _, cell in cells), f"{path.name} stores no figure"
    missing = _figure_cells_without_image(nb)
    assert not missing, f"{path.name}: stored figure cell(s) {missing} have no image"
    source = "".join(cell.source for _, cell in cells)
    assert 'matplotlib.use("Agg")' not in source, f"{path.name}: figures would not show"
