"""nn.parameter: Parameter, Buffer, UninitializedParameter."""

__all__: list = []
