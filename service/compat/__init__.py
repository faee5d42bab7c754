"""Drop-in APIs for clients written against other services: Azure AI Language's analyze-text
jobs (:mod:`.azure`) and the Hugging Face Inference API's summarization (:mod:`.hf`).

Both are thin: requests are translated into the library's requests (and, for Azure, into jobs
on :mod:`summarizers.jobs`), results into the other service's shapes. See docs/migration.md.
"""
