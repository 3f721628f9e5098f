"""Recipe: teach an attention seq2seq model to reverse digit sequences.

Trains ``kzoo.seq2seq_attention`` with teacher forcing on
``kzoo.data.digit_seq2seq``, decodes unseen sequences greedily with
``kzoo.greedy_decode`` (the same trained layers, no retraining) and prints the
attention matrix of one example as the guide's "who looks at whom" table
(guide: Sequence Models > 4. Transformers, "Attention matrix").

    python recipes/seq2seq_reversal.py                 # length 6, ~1 min on CPU
    python recipes/seq2seq_reversal.py --task sort --length 5 --epochs 10
    python recipes/seq2seq_reversal.py --output runs/  # also saves the .keras model
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kzoo  # noqa: E402
from kzoo.data import tokens  # noqa: E402


def attention_table(source_digits, output_digits, weights):
    """The guide's "who looks at whom" table: rows are output tokens, columns the
    source tokens; ++ >= 0.5, + >= 0.15, - below."""
    def mark(w):
        return "++" if w >= 0.5 else "+" if w >= 0.15 else "-"
    header = "out\\in " + " ".join(f"{d:>3}" for d in source_digits)
    lines = [header]
    for digit, row in zip(output_digits, weights):
        lines.append(f"{digit:>6} " + " ".join(f"{mark(w):>3}" for w in row[:len(source_digits)]))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=("reverse", "sort"), default="reverse")
    parser.add_argument("--length", type=int, default=6)
    parser.add_argument("--samples", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=5e-3)
    parser.add_argument("--examples", type=int, default=5, help="decoded examples to print")
    parser.add_argument("--output", default=None, help="folder for the trained .keras model")
    parser.add_argument("--verbose", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    data = dict(length=args.length, task=args.task)
    enc, dec_in, dec_out = kzoo.data.digit_seq2seq(args.samples, seed=args.seed, **data)
    t_enc, t_dec_in, t_dec_out = kzoo.data.digit_seq2seq(500, seed=args.seed + 1, **data)
    vocab = tokens.digit_vocab_size(10)
    model = kzoo.seq2seq_attention(input_vocab_size=vocab, target_vocab_size=vocab,
                                   units=args.units, embedding_dim=32,
                                   learning_rate=args.learning_rate)
    model.fit([enc, dec_in], dec_out, validation_split=0.15, epochs=args.epochs,
              batch_size=64, verbose=args.verbose,
              callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=3,
                                                       restore_best_weights=True)])
    teacher_forced = model.evaluate([t_enc, t_dec_in], t_dec_out, verbose=0,
                                    return_dict=True)["accuracy"]

    decoded, attention = kzoo.greedy_decode(model, t_enc, max_length=args.length + 1)
    sources = tokens.tokens_to_digits(t_enc)
    outputs = tokens.tokens_to_digits(decoded)
    targets = tokens.tokens_to_digits(t_dec_out)
    exact = float(np.mean([o == t for o, t in zip(outputs, targets)]))
    token_accuracy = float(np.mean(decoded == t_dec_out))
    print(f"test token accuracy (teacher forcing): {teacher_forced:.3f}")
    print(f"test token accuracy (greedy decoding): {token_accuracy:.3f}")
    print(f"test sequences exactly right:          {exact:.3f}")
    for i in range(min(args.examples, len(sources))):
        print(f"  {sources[i]} -> {outputs[i]}")
    print("\nwho looks at whom (example 0):")
    print(attention_table(sources[0], outputs[0], attention[0]))

    if args.output:
        os.makedirs(args.output, exist_ok=True)
        model.save(os.path.join(args.output, "seq2seq_attention.keras"))
    return {"teacher_forced_accuracy": float(teacher_forced),
            "greedy_token_accuracy": token_accuracy, "exact_match": exact,
            "attention": attention}


if __name__ == "__main__":
    main()
