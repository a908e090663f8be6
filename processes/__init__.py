"""The rules: one module per procedure. Pages and jobs call these; these call sheets/."""
