"""nn.dropout (torch.nn.modules.dropout)."""

__all__: list = []
