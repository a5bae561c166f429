"""Formula Lab's pure-Python core: content, answer checking, storage, stats.

Nothing in this package imports Streamlit (tests/test_boundaries.py checks it).
"""
