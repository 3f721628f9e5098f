"""The only place in kzoo with backend-specific code.

Keras 3 has no backend-agnostic custom ``train_step`` (JAX's must be
stateless), so the few models that need one (the GAN's two-optimizer step, the
self-organizing map's competitive-learning update) dispatch to a module here.
Each module picks its implementation from ``keras.backend.backend()``.
"""
