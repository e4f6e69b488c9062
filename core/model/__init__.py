"""The multi-task U-Net and its self-describing weight bundles."""
