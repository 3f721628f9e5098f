"""UCR/UEA ``.ts`` reading and ``kzoo.data.load_ucr`` on files the tests write."""

import pathlib
import zipfile

import numpy as np
import pytest

from kzoo import data

MULTI = """# a comment
% another comment
@problemName Toy
@timeStamps false
@missing true
@univariate false
@dimensions 2
@equalLength false
@classLabel true walk run
@data
1,2,3:4,5,6:walk
1,?,3,4:5,6,7,8:run
0.5,0.25:1,2:walk
"""


def _write(folder, name, train, test):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}_TRAIN.ts").write_text(train)
    (folder / f"{name}_TEST.ts").write_text(test)
    return folder


def _toy(tmp_path, n=30, **kwargs):
    x, labels = data.shape_series(n, length=20, seed=1, **kwargs)
    xt, lt = data.shape_series(n, length=20, seed=2, **kwargs)
    folder = tmp_path / "Shapes"
    folder.mkdir(parents=True)
    data.write_ts(folder / "Shapes_TRAIN.ts", x, labels, problem_name="Shapes")
    data.write_ts(folder / "Shapes_TEST.ts", xt, lt, problem_name="Shapes")
    return x, labels, xt, lt


def test_read_ts_multivariate_variable_length_missing_values(tmp_path):
    path = tmp_path / "Toy_TRAIN.ts"
    path.write_text(MULTI)
    ts = data.read_ts(path)
    assert [s.shape for s in ts.series] == [(3, 2), (4, 2), (2, 2)]
    np.testing.assert_array_equal(ts.series[0], [[1, 4], [2, 5], [3, 6]])
    assert np.isnan(ts.series[1][1, 0]) and np.isfinite(ts.series[1][1, 1])
    assert list(ts.labels) == ["walk", "run", "walk"]
    assert ts.class_labels == ("walk", "run")
    assert ts.header["problemname"] == "Toy"


def test_write_then_read_round_trip(tmp_path):
    x, labels, *_ = _toy(tmp_path, channels=3)
    ts = data.read_ts(tmp_path / "Shapes" / "Shapes_TRAIN.ts")
    np.testing.assert_allclose(np.stack(ts.series), x, rtol=1e-6)
    assert list(ts.labels) == list(labels) and ts.channels == 3


def test_load_ucr_equal_length_with_string_labels(tmp_path):
    x, labels, xt, lt = _toy(tmp_path)
    for path in (tmp_path, tmp_path / "Shapes"):   # <path>/<name>/ or <path>/ itself
        ds = data.load_ucr("Shapes", path)
        (x_train, y_train), (x_test, y_test) = ds
        assert x_train.shape == (30, 20, 1) and x_test.shape == (30, 20, 1)
        assert x_train.dtype == np.float32 and y_train.dtype == np.int32
        assert list(ds.encoder.classes_) == sorted(set(labels)) and ds.num_classes == 3
        assert list(ds.encoder.inverse_transform(y_test)) == list(lt)
        np.testing.assert_allclose(x_train, x, rtol=1e-6)


def test_load_ucr_integer_labels_are_encoded_in_numeric_order(tmp_path):
    x, _ = data.shape_series(22, length=8, classes=2)
    labels = np.array(["10", "2"] * 11)
    for part in ("TRAIN", "TEST"):
        data.write_ts(tmp_path / f"Num_{part}.ts", x, labels)
    ds = data.load_ucr("Num", tmp_path)
    assert list(ds.encoder.classes_) == [2, 10]
    assert list(ds.y_train[:2]) == [1, 0]


def test_load_ucr_pads_variable_length_to_train_and_test_maximum(tmp_path):
    _write(tmp_path, "Toy", MULTI.replace("@missing true", "@missing false").replace("?", "9"),
           MULTI.replace("?", "9").replace("1,2,3:4,5,6", "1,2,3,4,5:4,5,6,7,8"))
    with pytest.raises(ValueError, match=r"different lengths.*pad=True.*Received: pad=False"):
        data.load_ucr("Toy", tmp_path)
    ds = data.load_ucr("Toy", tmp_path, pad=True, mask_value=-1.0)
    assert ds.x_train.shape == (3, 5, 2) and ds.x_test.shape == (3, 5, 2)
    np.testing.assert_array_equal(ds.x_train[0, 3:], -1.0)
    np.testing.assert_array_equal(ds.lengths_train, [3, 4, 2])
    np.testing.assert_array_equal(data.series_lengths(ds.x_train, mask_value=-1.0), [3, 4, 2])


def test_load_ucr_missing_values_need_keep_nan(tmp_path):
    _write(tmp_path, "Toy", MULTI, MULTI)
    with pytest.raises(ValueError, match=r"missing values.*Received: keep_nan=False"):
        data.load_ucr("Toy", tmp_path, pad=True)
    ds = data.load_ucr("Toy", tmp_path, pad=True, keep_nan=True)
    assert np.isnan(ds.x_train[1, 1, 0])


@pytest.mark.parametrize("name, match", [
    ("Nope", r"found: \['Toy'\]\. Received: name='Nope'"),
    ("../etc", r"Received: name='../etc'"),
    (3, r"Received: name=3"),
])
def test_load_ucr_rejects_unknown_names(tmp_path, name, match):
    _write(tmp_path, "Toy", MULTI, MULTI)
    with pytest.raises(ValueError, match=match):
        data.load_ucr(name, tmp_path)


@pytest.mark.parametrize("text, match", [
    (MULTI.split("@data")[0], r"no @data line"),
    (MULTI.replace("@data\n", ""), r"expected an @header line or @data \(line 10\)"),
    (MULTI.split("@data")[0] + "@data\n", r"no series after @data"),
    (MULTI.replace("1,2,3:4,5,6:walk", "1,x,3:4,5,6:walk"), r"'x' is not a number \(line 11\)"),
    (MULTI.replace("1,2,3:4,5,6:walk", "1,2,3:walk"), r"1 channels where the file has 2"),
    (MULTI.replace("1,2,3:4,5,6:walk", "1,2,3:4,5:walk"), r"different lengths"),
    (MULTI.replace("@classLabel true walk run", "@classLabel false"), r"no labels"),
    (MULTI.replace("@timeStamps false", "@timeStamps true"), r"@timeStamps true"),
    (MULTI.replace("@dimensions 2", "@dimensions two"), r"@dimensions must be"),
    (MULTI.replace("@classLabel true walk run\n", ""), r"no @classLabel"),
    ("hello\n" + MULTI, r"expected an @header line"),
])
def test_load_ucr_rejects_malformed_files(tmp_path, text, match):
    _write(tmp_path, "Bad", text, MULTI)
    with pytest.raises(ValueError, match=match):
        data.load_ucr("Bad", tmp_path, pad=True, keep_nan=True)


def test_load_ucr_rejects_labels_that_cannot_be_encoded(tmp_path):
    _write(tmp_path, "Toy", MULTI.replace(":run", ":swim"), MULTI)
    with pytest.raises(ValueError, match=r"\['swim'\] that are not declared in @classLabel"):
        data.load_ucr("Toy", tmp_path, pad=True, keep_nan=True)
    undeclared = MULTI.replace("@classLabel true walk run", "@targetLabel false\n"
                               "@classLabel true walk run")
    _write(tmp_path / "b", "Toy", undeclared, undeclared.replace(":run", ":fly"))
    with pytest.raises(ValueError, match=r"\['fly'\] that are not declared"):
        data.load_ucr("Toy", tmp_path / "b", pad=True, keep_nan=True)


def test_load_ucr_downloads_the_archive_zip_once(tmp_path):
    """The download path, offline: the origin is a file:// URL of a zip built here."""
    _toy(tmp_path / "src")
    site = tmp_path / "site"
    site.mkdir()
    with zipfile.ZipFile(site / "Shapes.zip", "w") as z:
        for part in ("TRAIN", "TEST"):
            z.write(tmp_path / "src" / "Shapes" / f"Shapes_{part}.ts",
                    f"Shapes/Shapes_{part}.ts")
    cache = tmp_path / "cache"
    ds = data.load_ucr("Shapes", base_url=site.as_uri(), cache_dir=str(cache))
    assert ds.x_train.shape == (30, 20, 1)
    (site / "Shapes.zip").unlink()                     # second call reads the cache
    again = data.load_ucr("Shapes", base_url=site.as_uri(), cache_dir=str(cache))
    np.testing.assert_array_equal(again.x_test, ds.x_test)
    with pytest.raises(ValueError, match=r"does not exist.*Received: name='Missing'"):
        data.load_ucr("Missing", base_url=site.as_uri(), cache_dir=str(cache))


def test_load_ucr_default_origin_is_the_public_archive():
    assert data.ucr.UCR_BASE_URL == ("https://www.timeseriesclassification.com/"
                                     "aeon-toolkit/")
    assert pathlib.Path(data.ucr.CACHE_SUBDIR).parts == ("datasets", "ucr")
