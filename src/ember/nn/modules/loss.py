"""nn.loss (torch.nn.modules.loss)."""

__all__: list = []
