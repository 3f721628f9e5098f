"""The GAN's training step, once per backend.

One step = one discriminator update (real -> 1, generated -> 0) then one
generator update (non-saturating loss), each with its own optimizer from the
model's ``GANOptimizers``. Networks, noise, losses and metrics come from the
model (:class:`kzoo.models.gan.GAN`); only the gradient plumbing differs:

* TensorFlow: ``tf.GradientTape`` and ``optimizer.apply``.
* PyTorch: ``loss.backward()`` and ``optimizer.apply`` under ``torch.no_grad``.
* JAX: a pure function of the training state: ``jax.value_and_grad`` over
  ``stateless_call``, ``optimizer.stateless_apply`` and stateless metric updates.
"""

import keras
from keras import ops


def train_step(model, *args):
    """Dispatches to the active backend's step (JAX: ``(state, data)``, others ``(data,)``)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _tensorflow_step(model, *args)
    if backend == "torch":
        return _torch_step(model, *args)
    if backend == "jax":
        return _jax_step(model, *args)
    raise ValueError(f"The GAN supports the tensorflow, jax and torch backends. "
                     f"Received: backend={backend!r}")


def _real_batch(data):
    x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
    return x


def _logs(model, d_loss, g_loss):
    model.d_loss_tracker.update_state(d_loss)
    model.g_loss_tracker.update_state(g_loss)
    return {m.name: m.result() for m in model.metrics}


def _tensorflow_step(model, data):
    import tensorflow as tf

    x = _real_batch(data)
    n = ops.shape(x)[0]
    gen, disc, opt = model.generator, model.discriminator, model.optimizer

    z = model.latent_noise(n)
    with tf.GradientTape() as tape:
        fake = gen(z, training=True)
        d_loss = model.discriminator_loss(disc(x, training=True), disc(fake, training=True))
    grads = tape.gradient(d_loss, disc.trainable_variables)
    opt.discriminator_optimizer.apply(grads, disc.trainable_variables)

    z = model.latent_noise(n)
    with tf.GradientTape() as tape:
        g_loss = model.generator_loss(disc(gen(z, training=True), training=True))
    grads = tape.gradient(g_loss, gen.trainable_variables)
    opt.generator_optimizer.apply(grads, gen.trainable_variables)
    return _logs(model, d_loss, g_loss)


def _torch_step(model, data):
    import torch

    x = _real_batch(data)
    n = ops.shape(x)[0]
    gen, disc, opt = model.generator, model.discriminator, model.optimizer

    def step(loss, variables, optimizer):
        for v in [*gen.trainable_variables, *disc.trainable_variables]:
            v.value.grad = None
        loss.backward()
        grads = [v.value.grad if v.value.grad is not None else torch.zeros_like(v.value)
                 for v in variables]
        with torch.no_grad():
            optimizer.apply(grads, variables)

    z = model.latent_noise(n)
    fake = gen(z, training=True).detach()
    d_loss = model.discriminator_loss(disc(x, training=True), disc(fake, training=True))
    step(d_loss, disc.trainable_variables, opt.discriminator_optimizer)

    z = model.latent_noise(n)
    g_loss = model.generator_loss(disc(gen(z, training=True), training=True))
    step(g_loss, gen.trainable_variables, opt.generator_optimizer)
    return _logs(model, d_loss.detach(), g_loss.detach())


def _jax_step(model, state, data):
    import jax

    trainable, non_trainable, optimizer_vars, metrics_vars = state
    x = _real_batch(data)
    n = ops.shape(x)[0]
    gen, disc, opt = model.generator, model.discriminator, model.optimizer

    t_index = {id(v): i for i, v in enumerate(model.trainable_variables)}
    nt_index = {id(v): i for i, v in enumerate(model.non_trainable_variables)}

    def pick(values, index, variables):
        return [values[index[id(v)]] for v in variables]

    def put(values, index, variables, new):
        values = list(values)
        for v, value in zip(variables, new):
            values[index[id(v)]] = value
        return values

    g_tv = pick(trainable, t_index, gen.trainable_variables)
    d_tv = pick(trainable, t_index, disc.trainable_variables)
    g_ntv = pick(non_trainable, nt_index, gen.non_trainable_variables)
    d_ntv = pick(non_trainable, nt_index, disc.non_trainable_variables)
    n_disc_opt = len(opt.discriminator_optimizer.variables)
    d_ov, g_ov = optimizer_vars[:n_disc_opt], optimizer_vars[n_disc_opt:]

    # Latent noise from the model's seed generator, its state carried functionally.
    seed_state = model.seed_generator.state
    seed_value = non_trainable[nt_index[id(seed_state)]]
    with keras.StatelessScope(state_mapping=[(seed_state, seed_value)]) as scope:
        z_d = model.latent_noise(n)
        z_g = model.latent_noise(n)
    seed_value = scope.get_current_value(seed_state)

    def d_loss_fn(d_tv_, g_ntv_, d_ntv_):
        fake, g_ntv_ = gen.stateless_call(g_tv, g_ntv_, z_d, training=True)
        fake = jax.lax.stop_gradient(fake)
        real_logits, d_ntv_ = disc.stateless_call(d_tv_, d_ntv_, x, training=True)
        fake_logits, d_ntv_ = disc.stateless_call(d_tv_, d_ntv_, fake, training=True)
        return model.discriminator_loss(real_logits, fake_logits), (g_ntv_, d_ntv_)

    (d_loss, (g_ntv, d_ntv)), grads = jax.value_and_grad(d_loss_fn, has_aux=True)(
        d_tv, g_ntv, d_ntv)
    d_tv, d_ov = opt.discriminator_optimizer.stateless_apply(d_ov, grads, d_tv)

    def g_loss_fn(g_tv_, g_ntv_, d_ntv_):
        fake, g_ntv_ = gen.stateless_call(g_tv_, g_ntv_, z_g, training=True)
        fake_logits, d_ntv_ = disc.stateless_call(d_tv, d_ntv_, fake, training=True)
        return model.generator_loss(fake_logits), (g_ntv_, d_ntv_)

    (g_loss, (g_ntv, d_ntv)), grads = jax.value_and_grad(g_loss_fn, has_aux=True)(
        g_tv, g_ntv, d_ntv)
    g_tv, g_ov = opt.generator_optimizer.stateless_apply(g_ov, grads, g_tv)

    trainable = put(trainable, t_index, gen.trainable_variables, g_tv)
    trainable = put(trainable, t_index, disc.trainable_variables, d_tv)
    non_trainable = put(non_trainable, nt_index, gen.non_trainable_variables, g_ntv)
    non_trainable = put(non_trainable, nt_index, disc.non_trainable_variables, d_ntv)
    non_trainable[nt_index[id(seed_state)]] = seed_value

    logs, new_metrics_vars = {}, []
    for metric, value in zip(model.metrics, (d_loss, g_loss)):
        start = len(new_metrics_vars)
        this = metrics_vars[start:start + len(metric.variables)]
        this = metric.stateless_update_state(this, value)
        logs[metric.name] = metric.stateless_result(this)
        new_metrics_vars += list(this)
    return logs, (trainable, non_trainable, [*d_ov, *g_ov], new_metrics_vars)
