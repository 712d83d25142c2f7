"""ember.vision (torchvision): transforms, datasets."""
