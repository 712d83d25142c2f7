"""nn.pooling (torch.nn.modules.pooling)."""

__all__: list = []
