"""ember's primitives, one module per family; each op's forward and backward side by side."""
