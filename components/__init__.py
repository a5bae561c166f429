"""Streamlit UI pieces. Each public function takes a keyword-only ``key``."""
