"""From a scene to SIC/SOD/FLOE charts: inputs, device, forward pass, decisions, outputs."""
