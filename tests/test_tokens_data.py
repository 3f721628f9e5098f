import numpy as np
import pytest

import kzoo
from kzoo.data import tokens


def test_digit_reversal_conventions():
    enc, dec_in, dec_out = kzoo.data.digit_seq2seq(50, length=5, num_digits=10, seed=3)
    assert enc.shape == (50, 5) and dec_in.shape == dec_out.shape == (50, 6)
    assert enc.dtype == dec_in.dtype == dec_out.dtype == np.int32
    assert tokens.digit_vocab_size(10) == 13
    assert enc.min() >= tokens.FIRST_DIGIT and enc.max() <= 12
    assert np.all(dec_in[:, 0] == tokens.START)
    assert np.all(dec_out[:, -1] == tokens.END)
    np.testing.assert_array_equal(dec_out[:, :-1], enc[:, ::-1])  # reversed
    np.testing.assert_array_equal(dec_in[:, 1:], dec_out[:, :-1])  # teacher forcing shift
    source = tokens.tokens_to_digits(enc)
    target = tokens.tokens_to_digits(dec_out)
    assert all(t == s[::-1] for s, t in zip(source, target))


def test_digit_sort_and_padding():
    enc, dec_in, dec_out = kzoo.data.digit_seq2seq(200, length=6, num_digits=5, task="sort",
                                                   min_length=2, seed=0)
    lengths = (enc != tokens.PAD).sum(axis=1)
    assert lengths.min() == 2 and lengths.max() == 6
    for row, size in zip(range(len(enc)), lengths):
        assert np.all(enc[row, size:] == tokens.PAD)  # right padding
        assert np.all(enc[row, :size] != tokens.PAD)
        assert dec_out[row, size] == tokens.END and np.all(dec_out[row, size + 1:] == 0)
        np.testing.assert_array_equal(dec_out[row, :size], np.sort(enc[row, :size]))
        np.testing.assert_array_equal(dec_in[row, 1:size + 1], dec_out[row, :size])
    assert enc.max() <= tokens.FIRST_DIGIT + 4


def test_digit_seq2seq_is_seeded():
    a = kzoo.data.digit_seq2seq(20, seed=1)
    b = kzoo.data.digit_seq2seq(20, seed=1)
    c = kzoo.data.digit_seq2seq(20, seed=2)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])


def test_tokens_to_digits_stops_at_end():
    assert tokens.tokens_to_digits([[5, 4, 2, 7, 0]]) == [[2, 1]]
    assert tokens.tokens_to_digits([1, 3, 0, 12]) == [[0, 9]]


def test_token_order_labels_and_balance():
    x, y = kzoo.data.token_order(2000, length=12, vocab_size=20, min_length=4, seed=0)
    assert x.shape == (2000, 12) and y.shape == (2000,)
    assert x.dtype == np.int32 and y.dtype == np.int32
    assert 0.45 < y.mean() < 0.55
    assert np.all((x == tokens.MARKER_A).sum(axis=1) == 1)
    assert np.all((x == tokens.MARKER_B).sum(axis=1) == 1)
    a = (x == tokens.MARKER_A).argmax(axis=1)
    b = (x == tokens.MARKER_B).argmax(axis=1)
    np.testing.assert_array_equal(y, (a < b).astype("int32"))
    lengths = (x != 0).sum(axis=1)
    assert lengths.min() == 4 and lengths.max() == 12
    for row, size in enumerate(lengths):
        assert np.all(x[row, size:] == 0) and np.all(x[row, :size] != 0)
    # Fillers carry no information: the label is the order, not the token counts.
    counts = np.stack([(x == t).sum(axis=1) for t in range(3, 20)], axis=1)
    corr = [abs(np.corrcoef(counts[:, j], y)[0, 1]) for j in range(counts.shape[1])]
    assert max(corr) < 0.1


def test_token_order_fixed_length_and_seed():
    x1, y1 = kzoo.data.token_order(30, length=8, vocab_size=6, seed=5)
    x2, y2 = kzoo.data.token_order(30, length=8, vocab_size=6, seed=5)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert np.all(x1 != 0) and x1.max() <= 5


@pytest.mark.parametrize("fn, kwargs, match", [
    (kzoo.data.digit_seq2seq, {"n": 0}, r"Received: n=0"),
    (kzoo.data.digit_seq2seq, {"n": 5, "task": "shuffle"}, r"Received: task='shuffle'"),
    (kzoo.data.digit_seq2seq, {"n": 5, "num_digits": 1}, r"Received: num_digits=1"),
    (kzoo.data.digit_seq2seq, {"n": 5, "length": 4, "min_length": 5},
     r"Received: min_length=5"),
    (kzoo.data.token_order, {"n": 5, "vocab_size": 3}, r"Received: vocab_size=3"),
    (kzoo.data.token_order, {"n": 5, "length": 1}, r"Received: length=1"),
    (kzoo.data.token_order, {"n": 5, "length": 6, "min_length": 8},
     r"Received: min_length=8"),
])
def test_bad_arguments(fn, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fn(**kwargs)
