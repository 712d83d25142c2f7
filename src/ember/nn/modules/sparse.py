"""nn.sparse (torch.nn.modules.sparse)."""

__all__: list = []
