"""nn.container (torch.nn.modules.container)."""

__all__: list = []
