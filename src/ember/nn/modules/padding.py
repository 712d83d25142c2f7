"""nn.padding (torch.nn.modules.padding)."""

__all__: list = []
