"""Shared text handling: languages, words, sentence segmentation, boilerplate, HTML."""
