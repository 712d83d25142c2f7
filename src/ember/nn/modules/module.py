"""nn.module (torch.nn.modules.module)."""

__all__: list = []
