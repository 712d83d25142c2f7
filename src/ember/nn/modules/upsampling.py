"""nn.upsampling (torch.nn.modules.upsampling)."""

__all__: list = []
