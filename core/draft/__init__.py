"""Draft ice charts: a prediction turned into SIGRID-3 polygons an analyst can edit."""
