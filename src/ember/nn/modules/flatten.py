"""nn.flatten (torch.nn.modules.flatten)."""

__all__: list = []
