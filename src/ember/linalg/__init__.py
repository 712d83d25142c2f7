"""ember.linalg (torch.linalg)."""
