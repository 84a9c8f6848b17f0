"""Pure Block Kit builders: data in, blocks out. No I/O, so every surface is unit-testable."""
