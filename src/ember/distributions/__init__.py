"""ember.distributions (torch.distributions)."""
