"""Writers: one module per output format, each taking a `Document` and a path."""
