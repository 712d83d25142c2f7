"""nn.pixelshuffle (torch.nn.modules.pixelshuffle)."""

__all__: list = []
