"""Summarization methods. Each module defines methods; :data:`BUILTIN_FACTORIES` lists them."""
