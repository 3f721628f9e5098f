"""Attack a digits CNN, defend it with adversarial training, and explain what it looks at.

The guide's Advanced Topics (neural-networks-master: Adversarial Training,
Explainable AI) on the bundled 8x8 digits, pixels scaled to [0, 1]:

1. Train ``kzoo.cnn_classifier`` the ordinary way.
2. Attack it: FGSM (``x' = x + eps * sign(grad_x L)``) and PGD at several
   budgets ``eps``; report the robust accuracy curve.
3. Defend: train the same architecture with
   ``kzoo.adversarial.AdversarialTrainer`` (half of every batch replaced by
   FGSM examples crafted against the current weights), attack it again.
4. Explain both models: gradient saliency and Grad-CAM (HiResCAM weighting,
   faithful for the CNN's flatten head) on a few test digits, and show the
   adversarial examples that fool the plain model.

Figures and models go to ``--output``.

Run:  python recipes/attack_defend_explain.py              (~1 min on a CPU)
      KERAS_BACKEND=jax python recipes/attack_defend_explain.py --eps 0.1
"""

import argparse
import os
import time

import keras

import kzoo
from kzoo import adversarial, data, defaults, explain

CLIP = (0.0, 1.0)


def build(seed):
    keras.utils.set_random_seed(seed)
    return kzoo.cnn_classifier(num_classes=10, input_shape=(8, 8, 1), filters=(16, 32),
                               dense_units=(64,))


def curves(model, x, y, eps_values, methods, seed):
    return {method: adversarial.robustness_curve(model, x, y, eps_values=eps_values,
                                                 method=method, clip=CLIP,
                                                 **({"seed": seed} if method == "pgd" else {}))
            for method in methods}


def plot_curves(results, eps_values, path):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    colors = {"fgsm": "tab:blue", "pgd": "tab:red"}
    for name, style in (("plain", "-"), ("adversarially trained", "--")):
        for method in results[name]:
            values, color = [results[name][method][e] for e in eps_values], colors[method]
            ax.plot(eps_values, values, style, color=color, marker="o",
                    label=f"{name}, {method.upper()}")
    ax.set_xlabel("eps (L-infinity budget, pixels in [0, 1])")
    ax.set_ylabel("test accuracy under attack")
    ax.set_ylim(0, 1)
    ax.legend()
    ax.set_title("Robustness of a digits CNN")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def plot_adversarial(model, x, x_adv, y, path):
    import matplotlib.pyplot as plt

    clean = model.predict(x, verbose=0).argmax(-1)
    fooled = model.predict(x_adv, verbose=0).argmax(-1)
    n = len(x)
    fig, axes = plt.subplots(3, n, figsize=(1.5 * n, 4.8), squeeze=False)
    for i in range(n):
        for row, (image, title) in enumerate(((x[i], f"{y[i]} -> {clean[i]}"),
                                              (x_adv[i], f"-> {fooled[i]}"),
                                              (x_adv[i] - x[i], "perturbation"))):
            ax = axes[row, i]
            ax.imshow(image[..., 0], cmap="gray" if row < 2 else "coolwarm")
            ax.set_title(title, fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("clean")
    axes[1, 0].set_ylabel("FGSM")
    axes[2, 0].set_ylabel("x' - x")
    fig.tight_layout()
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--eps", type=float, default=0.15,
                        help="budget of the training attack and of the headline numbers")
    parser.add_argument("--ratio", type=float, default=0.5,
                        help="share of each batch replaced by adversarial examples")
    parser.add_argument("--eps-values", type=float, nargs="+",
                        default=[0.0, 0.05, 0.1, 0.15, 0.2])
    parser.add_argument("--methods", nargs="+", default=["fgsm", "pgd"],
                        choices=adversarial.METHODS, help="attacks of the robustness curves")
    parser.add_argument("--explain", type=int, default=8, help="test digits to explain")
    parser.add_argument("--output", default="runs/attack_defend_explain")
    parser.add_argument("--seed", type=int, default=defaults.SEED)
    parser.add_argument("--verbose", type=int, default=0, choices=(0, 1, 2))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    import matplotlib.pyplot as plt  # figures are only saved, never shown

    os.makedirs(args.output, exist_ok=True)
    x, y = data.load_digits(as_images=True)
    splits = data.split(x / 16.0, y, seed=args.seed)
    print(f"digits: {splits}, pixels in [0, 1], eps={args.eps}")

    plain = build(args.seed)
    plain.fit(splits.x_train, splits.y_train, epochs=args.epochs, batch_size=args.batch_size,
              verbose=args.verbose)
    robust = build(args.seed)
    trainer = adversarial.AdversarialTrainer(robust, eps=args.eps, ratio=args.ratio, clip=CLIP)
    trainer.fit(splits.x_train, splits.y_train, epochs=args.epochs, batch_size=args.batch_size,
                verbose=args.verbose)

    eps_values = sorted(set(args.eps_values) | {0.0, args.eps})
    methods = list(dict.fromkeys(["fgsm", *args.methods]))   # FGSM gives the headline numbers
    results = {name: curves(model, splits.x_test, splits.y_test, eps_values, methods, args.seed)
               for name, model in (("plain", plain), ("adversarially trained", robust))}
    columns = [(name, m) for name in results for m in methods]
    short = {"plain": "plain", "adversarially trained": "robust"}
    print("\n   eps | " + " ".join(f"{short[n] + ' ' + m.upper():>12}" for n, m in columns))
    for e in eps_values:
        print(f"{e:6.3f} | " + " ".join(f"{results[n][m][e]:12.3f}" for n, m in columns))
    summary = {
        "clean_accuracy": results["plain"]["fgsm"][0.0],
        "fgsm_accuracy": results["plain"]["fgsm"][args.eps],
        "robust_clean_accuracy": results["adversarially trained"]["fgsm"][0.0],
        "robust_fgsm_accuracy": results["adversarially trained"]["fgsm"][args.eps],
        "curves": results,
    }
    print(f"\nFGSM eps={args.eps}: plain {summary['clean_accuracy']:.3f} -> "
          f"{summary['fgsm_accuracy']:.3f}; adversarially trained "
          f"{summary['robust_clean_accuracy']:.3f} -> {summary['robust_fgsm_accuracy']:.3f}")
    plot_curves(results, eps_values, os.path.join(args.output, "robustness.png"))

    n = max(1, min(args.explain, len(splits.x_test)))
    xs, ys = splits.x_test[:n], splits.y_test[:n]
    x_adv = adversarial.fgsm(plain, xs, ys, eps=args.eps, clip=CLIP)
    plot_adversarial(plain, xs, x_adv, ys, os.path.join(args.output, "adversarial_examples.png"))
    for name, model in (("plain", plain), ("robust", robust)):
        for method, maps in (("saliency", explain.saliency(model, xs, target=ys)),
                             ("grad_cam", explain.grad_cam(model, xs, target=ys,
                                                           method="hires_cam"))):
            label = "saliency" if method == "saliency" else "Grad-CAM (HiRes)"
            fig = explain.plot_heatmaps(xs, maps, titles=[f"{name} {v}" for v in ys],
                                        row_labels=("digit", label))
            fig.savefig(os.path.join(args.output, f"{method}_{name}.png"), dpi=100,
                        bbox_inches="tight")
            plt.close(fig)
    for name, model in (("cnn_plain", plain), ("cnn_adversarial", trainer)):
        model.save(os.path.join(args.output, f"{name}.keras"))
    print(f"figures and models in {args.output} ({keras.backend.backend()} backend, "
          f"{time.perf_counter() - start:.0f}s)")
    return summary


if __name__ == "__main__":
    main()
