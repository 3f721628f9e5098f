import numpy as np
import pytest

from kzoo import data


def test_bundled_datasets_shapes():
    x, y = data.load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float32 and set(np.unique(y)) == set(range(10))
    xi, yi = data.load_digits(as_images=True)
    assert xi.shape == (1797, 8, 8, 1)
    np.testing.assert_array_equal(xi.reshape(len(xi), -1), x)
    x, y = data.load_breast_cancer()
    assert x.shape == (569, 30) and set(np.unique(y)) == {0, 1}
    x, y = data.load_diabetes()
    assert x.shape == (442, 10) and y.shape == (442, 1) and y.dtype == np.float32


def test_split_is_70_15_15_stratified_and_seeded():
    x, y = data.load_digits()
    s = data.split(x, y, seed=3)
    assert len(s.x_train) + len(s.x_val) + len(s.x_test) == len(x)
    assert abs(len(s.x_train) / len(x) - 0.70) < 0.01
    assert abs(len(s.x_val) / len(x) - 0.15) < 0.01
    # stratified: every split keeps the class proportions within 2 points
    overall = np.bincount(y) / len(y)
    for part in (s.y_train, s.y_val, s.y_test):
        assert np.abs(np.bincount(part, minlength=10) / len(part) - overall).max() < 0.02
    again = data.split(x, y, seed=3)
    np.testing.assert_array_equal(s.x_test, again.x_test)
    other = data.split(x, y, seed=4)
    assert not np.array_equal(s.x_test, other.x_test)
    # no sample is in two splits
    rows = {r.tobytes() for r in s.x_train}
    assert not any(r.tobytes() in rows for r in s.x_test if (x == r).all(1).sum() == 1)
    (x_tr, y_tr), (x_val, _), _ = s
    assert x_tr is s.x_train and len(x_val) == len(s.y_val)


def test_split_regression_is_not_stratified():
    x, y = data.load_diabetes()
    s = data.split(x, y, val=0.1, test=0.1)
    assert len(s.x_test) == 45 and s.y_train.shape[1] == 1


def test_standardize_fits_on_train_only():
    x, y = data.load_breast_cancer()
    s = data.split(x, y, seed=0)
    scaled, scaler = data.standardize(s)
    np.testing.assert_allclose(scaled.x_train.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(scaled.x_train.std(0), 1, atol=1e-3)
    np.testing.assert_allclose(scaler.mean, s.x_train.mean(0), rtol=1e-4)
    assert not np.allclose(scaled.x_test.mean(0), 0, atol=1e-4)  # test stats not used
    np.testing.assert_allclose(scaler.inverse_transform(scaled.x_val), s.x_val, rtol=1e-4,
                               atol=1e-3)
    imgs = data.split(*data.load_digits(as_images=True))
    scaled_imgs, _ = data.standardize(imgs)
    assert scaled_imgs.x_train.shape[1:] == (8, 8, 1)
    with pytest.raises(ValueError, match="splits must be a kzoo.data.Splits"):
        data.standardize((x, y))


@pytest.mark.parametrize("x, y, kwargs, match", [
    (np.array([[1.0], [np.nan]]), np.array([0, 1]), {}, r"x must be finite.*1 NaN/inf"),
    (np.ones((3, 2)), np.array([0, 1]), {}, r"same number of samples.*len\(x\)=3"),
    (np.ones((2, 2)), np.array([0, 3]), {"num_classes": 3}, r"labels must be in 0..2.*0..3"),
    (np.ones((2, 2)), np.array([0.5, 1.0]), {"num_classes": 3}, r"integer class labels"),
    (np.ones((2, 2)), np.array([0.0, np.inf]), {}, r"y must be finite"),
    (np.array([["a"], ["b"]]), None, {}, r"x must be numeric"),
])
def test_check_arrays_rejects_bad_data(x, y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.check_arrays(x, y, **kwargs)


def test_split_rejects_bad_arguments():
    x, y = np.ones((20, 2)), np.arange(20) % 2
    with pytest.raises(ValueError, match=r"val \+ test must be < 1"):
        data.split(x, y, val=0.5, test=0.5)
    with pytest.raises(ValueError, match=r"Received: test=-0.1"):
        data.split(x, y, test=-0.1)
    with pytest.raises(ValueError, match=r"same number of samples"):
        data.split(x, y[:5])
