"""价格监测与解读发布: the core library (no streamlit, no duckdb outside pricewatch.store)."""

__version__ = "0.1.0"
