"""nn.normalization (torch.nn.modules.normalization)."""

__all__: list = []
