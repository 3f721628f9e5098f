"""Recipe: a Transformer text classifier, on a synthetic token task or IMDB.

By default it trains ``kzoo.transformer_classifier`` on
``kzoo.data.token_order`` (is marker A before marker B? chance = 0.5, and a
bag-of-words model cannot beat it: the answer is in the word order), with
padded variable-length sequences. ``--dataset imdb`` uses
``keras.datasets.imdb`` instead (needs internet the first time; ids are
shifted so that 0 stays the padding id the model masks).

    python recipes/text_classification.py
    python recipes/text_classification.py --dataset imdb --epochs 3 --vocab-size 20000
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kzoo  # noqa: E402


def load_token_order(samples, length, vocab_size, seed):
    x, y = kzoo.data.token_order(samples, length=length, vocab_size=vocab_size,
                                 min_length=length // 2, seed=seed)
    x_test, y_test = kzoo.data.token_order(1000, length=length, vocab_size=vocab_size,
                                           min_length=length // 2, seed=seed + 1)
    return (x, y), (x_test, y_test)


def load_imdb(length, vocab_size):
    """IMDB reviews as token ids (0 = padding), truncated / right-padded to ``length``."""
    (x, y), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=vocab_size)
    pad = lambda seqs: keras.utils.pad_sequences(seqs, maxlen=length, padding="post",  # noqa: E731
                                                 truncating="post", value=0)
    return (pad(x), y.astype("int32")), (pad(x_test), y_test.astype("int32"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", choices=("token_order", "imdb"), default="token_order")
    parser.add_argument("--samples", type=int, default=4000, help="token_order only")
    parser.add_argument("--length", type=int, default=None,
                        help="sequence length (default 16 for token_order, 200 for imdb)")
    parser.add_argument("--vocab-size", type=int, default=None,
                        help="vocabulary (default 20 for token_order, 20000 for imdb)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--embed-dim", type=int, default=32)
    parser.add_argument("--num-heads", type=int, default=4)
    parser.add_argument("--num-layers", type=int, default=1)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--output", default=None, help="folder for the trained .keras model")
    parser.add_argument("--verbose", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    if args.dataset == "imdb":
        length, vocab = args.length or 200, args.vocab_size or 20_000
        (x, y), (x_test, y_test) = load_imdb(length, vocab)
    else:
        length, vocab = args.length or 16, args.vocab_size or 20
        (x, y), (x_test, y_test) = load_token_order(args.samples, length, vocab, args.seed)

    model = kzoo.transformer_classifier(
        num_classes=2, vocab_size=vocab, sequence_length=length, embed_dim=args.embed_dim,
        num_heads=args.num_heads, ff_dim=2 * args.embed_dim, num_layers=args.num_layers,
        learning_rate=args.learning_rate)
    model.fit(x, y, validation_split=0.15, epochs=args.epochs, batch_size=32,
              verbose=args.verbose,
              callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=3,
                                                       restore_best_weights=True)])
    scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    majority = float(max(np.mean(y_test), 1 - np.mean(y_test)))
    print(f"{args.dataset}: test accuracy {scores['accuracy']:.3f} "
          f"(majority class {majority:.3f}), AUC {scores['auc']:.3f}")
    if args.output:
        os.makedirs(args.output, exist_ok=True)
        model.save(os.path.join(args.output, "transformer_classifier.keras"))
    return {"accuracy": float(scores["accuracy"]), "auc": float(scores["auc"]),
            "majority_baseline": majority}


if __name__ == "__main__":
    main()
