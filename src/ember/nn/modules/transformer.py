"""nn.transformer (torch.nn.modules.transformer)."""

__all__: list = []
