"""nn.rnn (torch.nn.modules.rnn)."""

__all__: list = []
