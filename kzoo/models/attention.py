"""Attention family: Transformer encoders and an attention seq2seq model.

Guide: "Sequence Models > 4. Transformers" (self-attention, multi-head
attention, GELU) and neural-networks-master "Transformer Networks"
(``softmax(QKᵀ/√d_k)V``, positional encoding, layer normalization) and
"Attention Mechanisms" (Luong's ``score(h_t, h̄_s) = h_tᵀ W_a h̄_s``).

* ``transformer_classifier`` / ``transformer_regressor``: token ids
  (``vocab_size=`` + ``sequence_length=``) or numeric sequences
  (``input_shape=(timesteps, features)``, projected to ``embed_dim`` by a
  ``Dense`` layer; ``mask_value=`` masks padded steps of variable-length
  series, see ``kzoo.data.pad_series``), a learned positional embedding, ``num_layers``
  ``kzoo.layers.TransformerEncoder`` blocks and a pooling head.
* ``seq2seq_attention``: an LSTM encoder-decoder with Luong attention trained
  with teacher forcing, and :func:`greedy_decode`, which decodes with the same
  trained layers and returns the attention matrix ("who looks at whom").
"""

import weakref

import keras
import numpy as np

from kzoo import checks, defaults, tasks
from kzoo.data import examples
from kzoo.data import tokens as token_data
from kzoo.layers.masked_global_max_pooling import MaskedGlobalMaxPooling1D
from kzoo.layers.positional_embedding import PositionalEmbedding
from kzoo.layers.transformer_encoder import TransformerEncoder
from kzoo.models import blocks
from kzoo.registry import Example, register_model
from kzoo.search_space import Choice, Float, Int, SearchSpace, training_space
from kzoo.tasks.model import TaskModel

# Transformer defaults. The guide gives the shape of the idea, not sizes:
# "8-12 experts" (heads) looking at the sentence in parallel, GELU in the
# feed-forward, AdamW as the optimizer for Transformers at the default 1e-3.
# The widths are the small end of the guide's "128-256 neurons" and a
# feed-forward twice as wide as the embedding; dropout 0.1 is the Transformer
# paper's rate (Vaswani et al., 2017), the guide's 0.3 being for dense layers.
EMBED_DIM = 128
NUM_HEADS = 8
FF_DIM = 256
FF_ACTIVATION = "gelu"
NUM_LAYERS = 2
TRANSFORMER_DROPOUT = 0.1
TRANSFORMER_OPTIMIZER = "adamw"
POOLINGS = ("mean", "max")

# seq2seq defaults: the recurrent family's width (guide: Quick Start,
# "128-256 neurons") for the LSTMs; a smaller embedding suits small vocabularies.
SEQ2SEQ_UNITS = 128
SEQ2SEQ_EMBEDDING_DIM = 64

_TRANSFORMER_GUIDE = ("Sequence Models > 4. Transformers; "
                      "neural-networks-master: Transformer Networks")
_SEQ2SEQ_GUIDE = "neural-networks-master: Attention Mechanisms (Luong attention); Sequence Models"


def _transformer_space():
    lo_layers, hi_layers = defaults.LAYERS_RANGE
    lo_drop, hi_drop = defaults.DROPOUT_RANGE
    # Every num_heads choice divides every embed_dim choice; the choices
    # include the factory defaults so the first trial reproduces them.
    return SearchSpace((
        Choice("embed_dim", (32, 64, 128, 256)),
        Choice("num_heads", (2, 4, 8)),
        Choice("ff_dim", (64, 128, 256, 512)),
        Int("num_layers", lo_layers, hi_layers),
        Float("dropout", lo_drop, hi_drop),
    )) + training_space()


def _seq2seq_space():
    lo_units, hi_units = defaults.UNITS_RANGE
    return SearchSpace((
        Int("units", lo_units, min(hi_units, 512), sampling="log"),
        Choice("embedding_dim", (16, 32, 64, 128)),
        Float("dropout", 0.0, defaults.DROPOUT_RANGE[1]),
    )) + training_space()


# --- transformer -------------------------------------------------------------

def _sequence_input(*, input_shape, vocab_size, sequence_length, embed_dim, reg,
                    mask_value=None):
    """Input layer and the embedded sequence (tokens, or steps projected to ``embed_dim``)."""
    if (input_shape is None) == (vocab_size is None):
        raise ValueError(
            "Pass exactly one of input_shape (numeric sequences) or vocab_size (token ids). "
            f"Received: input_shape={input_shape!r}, vocab_size={vocab_size!r}")
    if mask_value is not None:
        checks.number_in_range("mask_value", mask_value)
        if vocab_size is not None:
            raise ValueError("mask_value is for numeric input (input_shape=); token id 0 is "
                             f"always masked. Received: mask_value={mask_value!r}")
    if vocab_size is not None:
        checks.positive_int("vocab_size", vocab_size, minimum=2)
        if sequence_length is None:
            raise ValueError(
                "sequence_length is required with vocab_size: the positional embedding "
                "table needs the longest sequence length. Received: sequence_length=None")
        checks.positive_int("sequence_length", sequence_length)
        inputs = keras.Input(shape=(sequence_length,), dtype="int32", name="tokens")
        x = blocks.embedding(vocab_size, embed_dim, name="token_embedding")(inputs)
        return inputs, x, sequence_length
    input_shape = checks.shape("input_shape", input_shape, rank=2)
    if input_shape[0] is None:
        raise ValueError("input_shape needs a fixed number of timesteps for the positional "
                         f"embedding. Received: input_shape={input_shape!r}")
    if sequence_length is not None and sequence_length != input_shape[0]:
        raise ValueError(f"sequence_length must equal input_shape[0]={input_shape[0]} for "
                         f"numeric input. Received: sequence_length={sequence_length!r}")
    inputs = keras.Input(shape=input_shape, name="inputs")
    x = inputs
    if mask_value is not None:  # the mask follows Dense to the encoders and the pooling
        x = keras.layers.Masking(float(mask_value), name="masking")(x)
    x = keras.layers.Dense(embed_dim, kernel_regularizer=reg, name="input_projection")(x)
    return inputs, x, input_shape[0]


def transformer_body(*, input_shape=None, vocab_size=None, sequence_length=None,
                     embed_dim=EMBED_DIM, num_heads=NUM_HEADS, ff_dim=FF_DIM,
                     num_layers=NUM_LAYERS, dropout=TRANSFORMER_DROPOUT, pooling="mean",
                     mask_value=None, activation=FF_ACTIVATION, positional_embedding=True,
                     kernel_regularizer=None):
    """Embedding + positional embedding, encoder blocks and masked pooling over the steps.

    Embedding (or a ``Dense`` projection) + learned positional embedding,
    ``num_layers`` encoder blocks (multi-head self-attention, GELU
    feed-forward, residuals and layer normalization), masked pooling over the
    steps and the output layer.

    Args:
        input_shape: tuple. ``(timesteps, features)`` of numeric sequences;
            each step is projected to ``embed_dim`` by a ``Dense`` layer.
            Pass this or ``vocab_size``. Defaults to None.
        vocab_size: int. Number of token ids for token input (id 0 is
            padding and is masked). Defaults to None.
        sequence_length: int. Length of the token sequences, needed with
            ``vocab_size`` for the positional table. Defaults to None.
        embed_dim: int. Width of every token vector. Defaults to 128
            (guide: Quick Start, "128-256 neurons").
        num_heads: int. Attention heads; must divide ``embed_dim``. Defaults
            to 8 (guide: Transformers, "8-12 experts").
        ff_dim: int. Hidden width of each feed-forward block (GELU).
            Defaults to 256 (twice ``embed_dim``).
        num_layers: int. Encoder blocks. Defaults to 2 (guide: Quick Start,
            "2-3 hidden layers").
        dropout: float. Dropout on the embeddings, inside every block and
            before the head. Defaults to 0.1 (Vaswani et al., 2017).
        pooling: str. ``"mean"`` (masked average over steps) or ``"max"``
            (masked maximum). Defaults to ``"mean"``.
        mask_value: float or None. Numeric input only: steps equal to this
            value in every feature (the padding of ``kzoo.data.pad_series``)
            are never attended to nor pooled. Defaults to None (no masking).
        activation: str. Activation of the feed-forward blocks: relu,
            leaky_relu, elu, gelu, swish, tanh or sigmoid. Defaults to
            ``"gelu"`` (guide: Activation Functions > GELU, "for Transformers").
        positional_embedding: bool. Add the learned positional embedding
            (``kzoo.layers.PositionalEmbedding``). False leaves the model
            blind to order: self-attention and the pooling are permutation
            invariant (an ablation, guide: Transformer Networks > Positional
            Encoding). Defaults to True.
    """
    positional_embedding = checks.boolean("positional_embedding", positional_embedding)
    checks.positive_int("embed_dim", embed_dim)
    blocks.check_activation(activation)
    checks.positive_int("num_heads", num_heads)
    checks.positive_int("ff_dim", ff_dim)
    checks.positive_int("num_layers", num_layers)
    if embed_dim % num_heads:
        raise ValueError("embed_dim must be divisible by num_heads. "
                         f"Received: embed_dim={embed_dim}, num_heads={num_heads}")
    checks.fraction("dropout", dropout)
    checks.one_of("pooling", pooling, POOLINGS)
    reg = kernel_regularizer
    inputs, x, length = _sequence_input(input_shape=input_shape, vocab_size=vocab_size,
                                        sequence_length=sequence_length, embed_dim=embed_dim,
                                        reg=reg, mask_value=mask_value)
    if positional_embedding:
        x = PositionalEmbedding(length, name="positional_embedding")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="embedding_dropout")(x)
    for i in range(num_layers):
        x = TransformerEncoder(num_heads=num_heads, ff_dim=ff_dim, dropout=dropout,
                               activation=activation, kernel_regularizer=reg,
                               name=f"encoder_{i}")(x)
    if pooling == "mean":
        x = keras.layers.GlobalAveragePooling1D(name="mean_pooling")(x)
    else:
        x = MaskedGlobalMaxPooling1D(name="max_pooling")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="head_dropout")(x)
    return inputs, x


_TRANSFORMER = {
    "family": "attention", "guide": _TRANSFORMER_GUIDE, "search_space": _transformer_space(),
    "overrides": {"optimizer": TRANSFORMER_OPTIMIZER},
    "docs": {"optimizer": """str or ``keras.optimizers.Optimizer``. Defaults to {default}
             (guide: Optimizer Comparison, "Transformers? -> AdamW")."""},
}

transformer_classifier = tasks.classifier(
    transformer_body, name="transformer_classifier",
    summary="A Transformer encoder classifier for token or numeric sequences.",
    example=Example({"num_classes": 2, "vocab_size": 20, "sequence_length": 12,
                     "embed_dim": 16, "num_heads": 2, "ff_dim": 32, "num_layers": 1},
                    examples.token_order, {"batch_size": 32}),
    example_doc="""
        >>> x, y = kzoo.data.token_order(2000, length=16, vocab_size=20)
        >>> model = kzoo.transformer_classifier(num_classes=2, vocab_size=20,
        ...                                     sequence_length=16)
        >>> model.fit(x, y, validation_split=0.15, epochs=20)""",
    reference="""Guide: Sequence Models > 4. Transformers; Vaswani et al., "Attention
        Is All You Need" (2017).""",
    **_TRANSFORMER)

transformer_regressor = tasks.regressor(
    transformer_body, name="transformer_regressor",
    summary="A Transformer encoder regressor: sequence in, ``outputs`` values out.",
    example=Example({"input_shape": (10, 3), "outputs": 2, "embed_dim": 16, "num_heads": 2,
                     "ff_dim": 32, "num_layers": 1}, examples.sequence_summaries,
                    {"batch_size": 32}),
    example_doc="""
        >>> x, y = kzoo.data.adding_problem(2000, 50)
        >>> model = kzoo.transformer_regressor(input_shape=(50, 2))""",
    reference="Guide: Sequence Models > 4. Transformers.",
    **_TRANSFORMER)


# --- seq2seq with Luong attention -------------------------------------------

@register_model(
    family="attention",
    task="seq2seq",
    guide=_SEQ2SEQ_GUIDE,
    search_space=_seq2seq_space(),
    example=Example({"input_vocab_size": 9, "target_vocab_size": 9, "units": 16,
                     "embedding_dim": 8, "source_length": 5, "target_length": 6},
                    examples.digit_reversal, {"batch_size": 32}),
)
def seq2seq_attention(*, input_vocab_size, target_vocab_size, units=SEQ2SEQ_UNITS,
                      embedding_dim=SEQ2SEQ_EMBEDDING_DIM, source_length=None,
                      target_length=None, attention=True, dropout=0.0, l1=0.0, l2=0.0,
                      optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE,
                      clipnorm=None, clipvalue=None, compile=True):
    """An LSTM encoder-decoder with Luong attention, trained with teacher forcing.

    The encoder LSTM reads the source tokens; the decoder LSTM starts from
    the encoder's final state and reads the target shifted right (START
    first: teacher forcing). At every decoder step ``t`` Luong's "general"
    attention scores each source state, ``score(h_t, h̄_s) = h_tᵀ W_a h̄_s``,
    turns the scores into weights ``α_ts = softmax_s(score)`` and forms the
    context ``c_t = Σ_s α_ts h̄_s``; the prediction is
    ``softmax(W_o tanh(W_c [c_t; h_t]))`` over the target vocabulary.
    Token id 0 is padding on both sides and is masked (in the attention and
    in the loss). Decode new sequences with :func:`kzoo.greedy_decode`,
    which reuses these trained layers and returns the attention matrix.

    Args:
        input_vocab_size: int. Source vocabulary size (id 0 = padding).
        target_vocab_size: int. Target vocabulary size, including the START
            and END ids (``kzoo.data.tokens``: PAD 0, START 1, END 2).
        units: int. Width of both LSTMs and of the attention. Defaults to
            128 (guide: Quick Start, "128-256 neurons").
        embedding_dim: int. Width of the token embeddings. Defaults to 64.
        source_length: int. Fixed source length, or ``None`` for variable
            length. Defaults to None.
        target_length: int. Fixed decoder length, or ``None`` for variable
            length. Defaults to None.
        attention: bool. Attend over the encoder states. False: the plain encoder-decoder,
            whose decoder sees the source only through the encoder's final state (the
            context vector), an ablation (guide: Attention Mechanisms, "crucial for
            sequence-to-sequence tasks"); needs True for greedy_decode. Defaults to True.
        dropout: float. Dropout on the attentional hidden state. Defaults to
            0 (the guide's 0.3 is for dense classifiers; add it when the model
            overfits).
        l1: float. L1 penalty on the output kernels. Defaults to 0.
        l2: float. L2 penalty on the output kernels. Defaults to 0.
        optimizer: str. Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start).
        clipnorm: float. Gradient clipping by norm. Defaults to None.
        clipvalue: float. Gradient clipping by value. Defaults to None.
        compile: bool. Compile with sparse categorical cross-entropy and
            token accuracy. Defaults to True.

    Returns:
        A ``keras.Model`` named ``"seq2seq_attention"`` with inputs
        ``[encoder_tokens, decoder_input_tokens]`` and output
        ``(batch, target_steps, target_vocab_size)`` probabilities.

    Example:
        >>> enc, dec_in, dec_out = kzoo.data.digit_seq2seq(3000, length=6)
        >>> model = kzoo.seq2seq_attention(input_vocab_size=13, target_vocab_size=13)
        >>> model.fit([enc, dec_in], dec_out, epochs=20, validation_split=0.15)
        >>> tokens, attention = kzoo.greedy_decode(model, enc[:5], max_length=7)

    Reference:
        Luong, Pham & Manning, "Effective Approaches to Attention-based
        Neural Machine Translation" (2015); guide: Attention Mechanisms.
    """
    attention = checks.boolean("attention", attention)
    checks.fraction("dropout", dropout)
    reg = tasks.arguments.regularizer(l1, l2)
    compile_args = tasks.arguments.check_compile_args(
        {"optimizer": optimizer, "learning_rate": learning_rate, "clipnorm": clipnorm,
         "clipvalue": clipvalue, "compile": compile})
    inputs, decoder_states, encoder_states = _encoder_decoder(
        input_vocab_size=input_vocab_size, target_vocab_size=target_vocab_size, units=units,
        embedding_dim=embedding_dim, source_length=source_length, target_length=target_length)
    attended = encoder_states if attention else None
    probs = _attend_and_predict(decoder_states, attended, units=units, dropout=dropout,
                                reg=reg, target_vocab_size=target_vocab_size)
    model = TaskModel(inputs, probs, name="seq2seq_attention")
    if compile_args.compile:
        model.compile(
            optimizer=compile_args.make_optimizer(),
            loss=keras.losses.SparseCategoricalCrossentropy(
                name="sparse_categorical_crossentropy"),
            metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def _encoder_decoder(*, input_vocab_size, target_vocab_size, units, embedding_dim,
                     source_length, target_length):
    """Validates the sizes; returns the two inputs and the decoder's and encoder's states."""
    checks.positive_int("input_vocab_size", input_vocab_size, minimum=2)
    checks.positive_int("target_vocab_size", target_vocab_size,
                        minimum=token_data.FIRST_DIGIT + 1)
    checks.positive_int("units", units)
    checks.positive_int("embedding_dim", embedding_dim)
    for arg, value in (("source_length", source_length), ("target_length", target_length)):
        if value is not None:
            checks.positive_int(arg, value)
    encoder_tokens = keras.Input(shape=(source_length,), dtype="int32", name="encoder_tokens")
    decoder_tokens = keras.Input(shape=(target_length,), dtype="int32",
                                 name="decoder_input_tokens")
    x = blocks.embedding(input_vocab_size, embedding_dim, name="encoder_embedding")(
        encoder_tokens)
    encoder_states, state_h, state_c = keras.layers.LSTM(
        units, return_sequences=True, return_state=True, name="encoder_lstm")(x)
    y = blocks.embedding(target_vocab_size, embedding_dim, name="decoder_embedding")(
        decoder_tokens)
    decoder_states, _, _ = keras.layers.LSTM(
        units, return_sequences=True, return_state=True, name="decoder_lstm")(
            y, initial_state=[state_h, state_c])
    return [encoder_tokens, decoder_tokens], decoder_states, encoder_states


def _attend_and_predict(decoder_states, encoder_states, *, units, dropout, reg,
                        target_vocab_size):
    """Luong attention + output layers; ``greedy_decode`` reuses them by name.

    ``encoder_states=None`` (``attention=False``): the output layers read the decoder
    states alone."""
    if encoder_states is None:
        hidden = keras.layers.Dense(units, activation="tanh", kernel_regularizer=reg,
                                    name="attentional_hidden")(decoder_states)
        return _output(hidden, dropout=dropout, reg=reg, target_vocab_size=target_vocab_size)
    keys = keras.layers.Dense(units, use_bias=False, name="attention_keys")(encoder_states)
    # The scores are not an output of the training model, but asking for them
    # here lets greedy_decode's step model (a second call of this layer) have
    # them as an output: Keras 3.15 only connects a later call's extra
    # output if the first call had it too.
    context, _ = keras.layers.Attention(score_mode="dot", name="attention")(
        [decoder_states, encoder_states, keys], return_attention_scores=True)
    merged = keras.layers.Concatenate(name="attention_concat")([context, decoder_states])
    hidden = keras.layers.Dense(units, activation="tanh", kernel_regularizer=reg,
                                name="attentional_hidden")(merged)
    return _output(hidden, dropout=dropout, reg=reg, target_vocab_size=target_vocab_size)


def _output(hidden, *, dropout, reg, target_vocab_size):
    if dropout:
        hidden = keras.layers.Dropout(dropout, name="attentional_dropout")(hidden)
    return keras.layers.Dense(target_vocab_size, activation="softmax", dtype="float32",
                              kernel_regularizer=reg, name="output")(hidden)


# Inference models built from a trained model's layers, cached per model.
_DECODERS = weakref.WeakKeyDictionary()


def _inference_models(model):
    """(encoder, decoder_step) keras Models sharing ``model``'s trained layers."""
    if model in _DECODERS:
        return _DECODERS[model]
    try:
        layer = {name: model.get_layer(name) for name in (
            "encoder_lstm", "decoder_embedding", "decoder_lstm", "attention_keys",
            "attention", "attention_concat", "attentional_hidden", "output")}
    except ValueError as error:
        raise ValueError(
            "greedy_decode needs a model built by kzoo.seq2seq_attention (with "
            f"attention=True). Received: model={model.name!r}") from error
    units = layer["encoder_lstm"].units
    encoder = keras.Model(model.inputs[0], layer["encoder_lstm"].output, name="encoder")

    token = keras.Input(shape=(1,), dtype="int32", name="token")
    states = keras.Input(shape=(None, units), name="encoder_states")
    source_mask = keras.Input(shape=(None,), dtype="bool", name="source_mask")
    h = keras.Input(shape=(units,), name="state_h")
    c = keras.Input(shape=(units,), name="state_c")
    y = layer["decoder_embedding"](token)
    step, new_h, new_c = layer["decoder_lstm"](y, initial_state=[h, c])
    keys = layer["attention_keys"](states)
    context, scores = layer["attention"]([step, states, keys], mask=[None, source_mask],
                                         return_attention_scores=True)
    hidden = layer["attentional_hidden"](layer["attention_concat"]([context, step]))
    probs = layer["output"](hidden)
    decoder = keras.Model([token, states, source_mask, h, c], [probs, new_h, new_c, scores],
                          name="decoder_step")
    _DECODERS[model] = (encoder, decoder)
    return encoder, decoder


def greedy_decode(model, encoder_tokens, *, max_length, start_token=token_data.START,
                  end_token=token_data.END, batch_size=256):
    """Decodes with a trained :func:`seq2seq_attention` model, one token at a time.

    The encoder runs once; then, starting from ``start_token``, the decoder
    step takes the previous prediction, its LSTM state and the encoder
    states, and emits the most probable next token and its attention
    weights over the source. Inference reuses the trained layers of
    ``model`` (also after ``keras.saving.load_model``): nothing is retrained.

    Args:
        model: A model from :func:`seq2seq_attention` (trained).
        encoder_tokens: int array ``(batch, source_steps)``; 0 is padding
            and receives no attention.
        max_length: int. Number of tokens to generate.
        start_token: int. First decoder input. Defaults to 1
            (``kzoo.data.tokens.START``).
        end_token: int or None. Tokens after the first ``end_token`` of a row
            are set to 0 (padding). Defaults to 2 (``kzoo.data.tokens.END``).
        batch_size: int. Rows decoded together. Defaults to 256.

    Returns:
        ``(tokens, attention)``: int32 ``(batch, max_length)`` and float32
        ``(batch, max_length, source_steps)``; row ``t`` of ``attention[i]``
        is the distribution over source positions used to emit
        ``tokens[i, t]`` (it sums to 1): the guide's "who looks at whom"
        table.

    Example:
        >>> tokens, attention = kzoo.greedy_decode(model, enc[:3], max_length=7)
        >>> kzoo.data.tokens.tokens_to_digits(tokens)
    """
    checks.positive_int("max_length", max_length)
    checks.positive_int("batch_size", batch_size)
    encoder_tokens = np.asarray(encoder_tokens)
    if encoder_tokens.ndim != 2 or not np.issubdtype(encoder_tokens.dtype, np.integer):
        raise ValueError("encoder_tokens must be a 2D integer array (batch, steps). "
                         f"Received: encoder_tokens with shape {encoder_tokens.shape} "
                         f"and dtype {encoder_tokens.dtype}")
    encoder, decoder = _inference_models(model)
    vocab = model.get_layer("encoder_embedding").input_dim
    if encoder_tokens.size and (encoder_tokens.min() < 0 or encoder_tokens.max() >= vocab):
        raise ValueError(f"encoder_tokens must be ids in 0..{vocab - 1} (input_vocab_size="
                         f"{vocab}). Received: encoder_tokens with ids in "
                         f"{encoder_tokens.min()}..{encoder_tokens.max()}")
    all_tokens, all_attention = [], []
    for start in range(0, len(encoder_tokens), batch_size):
        source = encoder_tokens[start:start + batch_size].astype("int32")
        states, h, c = encoder.predict_on_batch(source)
        mask = source != token_data.PAD
        token = np.full((len(source), 1), start_token, dtype="int32")
        out_tokens, out_attention = [], []
        for _ in range(max_length):
            probs, h, c, scores = decoder.predict_on_batch([token, states, mask, h, c])
            token = probs[:, -1].argmax(axis=-1).astype("int32")[:, None]
            out_tokens.append(token[:, 0])
            out_attention.append(scores[:, -1])
        all_tokens.append(np.stack(out_tokens, axis=1))
        all_attention.append(np.stack(out_attention, axis=1))
    tokens = np.concatenate(all_tokens).astype("int32")
    attention = np.concatenate(all_attention).astype("float32")
    if end_token is not None:
        ended = np.cumsum(tokens == end_token, axis=1) - (tokens == end_token) > 0
        tokens[ended] = token_data.PAD
    return tokens, attention
