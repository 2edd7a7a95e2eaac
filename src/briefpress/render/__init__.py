"""briefpress.render."""
