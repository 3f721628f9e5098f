"""Custom layers: one public, serializable layer per file, written with ``keras.ops``."""
