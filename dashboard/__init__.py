"""Streamlit UI only: pages read like short scripts; data comes from pricewatch via dashboard.data."""
