"""briefpress.build."""
