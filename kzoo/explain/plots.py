"""Figures for explanations: heatmaps over inputs, attention matrices.

matplotlib is imported inside the functions (``import kzoo`` stays light).
Each function returns the ``matplotlib.figure.Figure``.
"""

import numpy as np


def _image(a):
    a = np.asarray(a, dtype="float32")
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    return a


def _heat(m, image_ndim):
    m = np.asarray(m, dtype="float32")
    if m.ndim == image_ndim and m.ndim == 3:   # (H, W, C) saliency: max over channels
        m = np.abs(m).max(axis=-1)
    return m


def plot_heatmaps(inputs, maps, *, titles=None, alpha=0.5, cmap="jet", columns=8,
                  row_labels=("input", "explanation")):
    """Shows each input above its heatmap overlaid on it.

    Args:
        inputs: array ``(n, H, W)`` / ``(n, H, W, C)`` images or ``(n, T)`` /
            ``(n, T, F)`` sequences.
        maps: array ``(n, H, W)`` (Grad-CAM), ``(n, H, W, C)`` (saliency,
            reduced by the maximum over channels) or ``(n, T)`` / ``(n, T, F)``.
        titles: list of str or None. One title per input. Defaults to None.
        alpha: float. Opacity of the heatmap over the image. Defaults to 0.5.
        cmap: str. Heatmap colormap. Defaults to ``"jet"``.
        columns: int. Inputs per row of the figure. Defaults to 8.
        row_labels: pair of str. Labels of the two rows. Defaults to
            ``("input", "explanation")``.

    Returns:
        The matplotlib ``Figure``.

    Example:
        >>> fig = kzoo.explain.plot_heatmaps(x[:8], kzoo.explain.grad_cam(model, x[:8]))
        >>> fig.savefig("grad_cam.png")
    """
    import matplotlib.pyplot as plt

    inputs, maps = np.asarray(inputs), np.asarray(maps)
    if len(inputs) != len(maps):
        raise ValueError("inputs and maps must have the same length. Received: "
                         f"len(inputs)={len(inputs)}, len(maps)={len(maps)}")
    n = len(inputs)
    if n == 0:
        raise ValueError("plot_heatmaps needs at least one input. Received: 0")
    columns = min(columns, n)
    blocks = -(-n // columns)
    fig, axes = plt.subplots(2 * blocks, columns, figsize=(1.6 * columns, 3.4 * blocks),
                             squeeze=False)
    images = inputs.ndim >= 3 and not (inputs.ndim == 3 and maps.ndim == 2)
    for i in range(n):
        top = axes[2 * (i // columns), i % columns]
        bottom = axes[2 * (i // columns) + 1, i % columns]
        if images:
            img = _image(inputs[i])
            heat = _heat(maps[i], inputs[i].ndim)
            top.imshow(img, cmap="gray" if img.ndim == 2 else None)
            bottom.imshow(img, cmap="gray" if img.ndim == 2 else None)
            bottom.imshow(heat, cmap=cmap, alpha=alpha,
                          extent=(-0.5, img.shape[1] - 0.5, img.shape[0] - 0.5, -0.5))
        else:
            seq = inputs[i].reshape(len(inputs[i]), -1)
            heat = np.asarray(maps[i]).reshape(len(inputs[i]), -1)
            heat = np.abs(heat).max(axis=-1)
            top.plot(seq)
            bottom.imshow(heat[None, :], aspect="auto", cmap=cmap)
        for ax in (top, bottom):
            ax.set_xticks([])
            ax.set_yticks([])
        if titles is not None:
            top.set_title(str(titles[i]), fontsize=9)
    for j in range(n, blocks * columns):
        axes[2 * (j // columns), j % columns].axis("off")
        axes[2 * (j // columns) + 1, j % columns].axis("off")
    for b in range(blocks):
        axes[2 * b, 0].set_ylabel(row_labels[0])
        axes[2 * b + 1, 0].set_ylabel(row_labels[1])
    fig.tight_layout()
    return fig


def plot_attention(weights, *, x_labels=None, y_labels=None, x_label="key",
                   y_label="query", title=None, ax=None, cmap="viridis"):
    """Draws an attention matrix (rows: queries / outputs, columns: keys / sources).

    Args:
        weights: array ``(queries, keys)``, e.g. one head of
            :func:`kzoo.explain.transformer_attention` or one example of
            :func:`kzoo.explain.decoder_attention`.
        x_labels: list or None. Tick labels of the columns. Defaults to None.
        y_labels: list or None. Tick labels of the rows. Defaults to None.
        x_label: str. Defaults to ``"key"``.
        y_label: str. Defaults to ``"query"``.
        title: str or None. Defaults to None.
        ax: matplotlib Axes or None. Draw on it; a new figure when None.
        cmap: str. Defaults to ``"viridis"``.

    Returns:
        The matplotlib ``Figure``.

    Example:
        >>> tokens, attention = kzoo.greedy_decode(model, enc[:1], max_length=7)
        >>> kzoo.explain.plot_attention(attention[0], x_label="source", y_label="output")
    """
    import matplotlib.pyplot as plt

    weights = np.asarray(weights, dtype="float32")
    if weights.ndim != 2:
        raise ValueError("weights must be a 2-D (queries, keys) matrix. Received: weights "
                         f"with shape {weights.shape}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(0.4 * weights.shape[1] + 2, 0.4 * weights.shape[0] + 1.5))
    else:
        fig = ax.figure
    image = ax.imshow(weights, cmap=cmap, vmin=0.0, aspect="auto")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    if x_labels is not None:
        ax.set_xticks(range(len(x_labels)), [str(v) for v in x_labels])
    if y_labels is not None:
        ax.set_yticks(range(len(y_labels)), [str(v) for v in y_labels])
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    if title:
        ax.set_title(title)
    return fig
