"""nn.linear (torch.nn.modules.linear)."""

__all__: list = []
