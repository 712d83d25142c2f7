"""nn.utils: clip_grad_norm_, parameters_to_vector, rnn packing helpers."""
