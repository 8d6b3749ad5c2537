"""The commissioner's workbench (Streamlit): one module per page, `state` and `widgets`.

The app is a thin layer: widgets return choices, `state` caches what the package loads,
solves and explains. The core (inputs, allocator, explain) never imports this package.
"""
