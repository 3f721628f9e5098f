"""Self-organizing map on the 8x8 digits: the map, its U-matrix and its errors.

Trains a Kohonen map on the 1,797 digits (pixels / 16, no labels), then
prints the quantization and topographic errors and saves one figure with
each unit's weights drawn as an 8x8 image, the U-matrix (cluster borders are
bright) and the majority digit of every unit.

    python recipes/som_digits.py --output runs/som --epochs 10 --grid 10

Guide: neural-networks-master, Types of Neural Networks > Self-Organizing Maps.
"""

import argparse
import pathlib
import sys

import numpy as np

import kzoo


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", default="runs/som_digits", help="folder for the outputs")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--grid", type=int, default=10, help="the map is grid x grid units")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def plot(som, x, y, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, cols = som.grid_shape
    weights = som.unit_weights().reshape(rows, cols, 8, 8)
    mosaic = weights.transpose(0, 2, 1, 3).reshape(rows * 8, cols * 8)
    winners = som.winner(x)
    labels = np.full((rows, cols), -1)
    for r in range(rows):
        for c in range(cols):
            hits = y[(winners[:, 0] == r) & (winners[:, 1] == c)]
            if len(hits):
                labels[r, c] = np.bincount(hits).argmax()
    fig, axes = plt.subplots(1, 2, figsize=(10, 5))
    axes[0].imshow(mosaic, cmap="gray_r")
    axes[0].set_title("unit weights")
    image = axes[1].imshow(som.u_matrix(), cmap="bone_r")
    for r in range(rows):
        for c in range(cols):
            if labels[r, c] >= 0:
                axes[1].text(c, r, str(labels[r, c]), ha="center", va="center", color="red")
    axes[1].set_title("U-matrix and majority digit")
    fig.colorbar(image, ax=axes[1])
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.savefig(path, dpi=80, bbox_inches="tight")
    plt.close(fig)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    output = pathlib.Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    x, y = kzoo.data.load_digits()
    x = x / 16.0
    som = kzoo.self_organizing_map(input_shape=(64,), grid_shape=(args.grid, args.grid),
                                   seed=args.seed)
    initial = som.quantization_error(x)
    som.fit(x, epochs=args.epochs, batch_size=args.batch_size, verbose=0)
    scores = {"initial_quantization_error": initial,
              "quantization_error": som.quantization_error(x),
              "topographic_error": som.topographic_error(x)}
    print(f"quantization error: {initial:.3f} at initialisation -> "
          f"{scores['quantization_error']:.3f} after {args.epochs} epochs")
    print(f"topographic error: {scores['topographic_error']:.3f}")
    plot(som, x, y, output / "som_digits.png")
    som.save(output / "self_organizing_map.keras")
    print(f"saved {output / 'som_digits.png'} and {output / 'self_organizing_map.keras'}")
    return scores


if __name__ == "__main__":
    main()
