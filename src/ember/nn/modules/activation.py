"""nn.activation (torch.nn.modules.activation)."""

__all__: list = []
