"""The gate officer's desk: call the next trucks, record crossings by hand."""
