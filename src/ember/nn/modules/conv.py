"""nn.conv (torch.nn.modules.conv)."""

__all__: list = []
