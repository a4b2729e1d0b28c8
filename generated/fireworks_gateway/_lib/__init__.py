"""What the client adds to the generated code, as plain Python: copied into the package as ``fireworks_gateway._lib``.

Sources live in ``openapi/lib/``; ``make generate`` copies them and ``make check-generated`` covers the copy.
Modules import each other relatively and the generated package lazily, so they stay valid wherever they are copied.
"""

__all__: list[str] = []
