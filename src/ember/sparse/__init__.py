"""ember.sparse (torch.sparse): COO tensors."""

__all__: list = []
