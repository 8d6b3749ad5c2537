"""Joint commissioning and decommissioning toolkit for children's PEI services.

Data flows one way: `inputs` (read and validate) -> `allocator` (build and solve) ->
`explain` -> `documents` / `store` -> `cli` and the Streamlit app. The core (inputs,
allocator, explain) never imports the layers after it.
"""

__version__ = "0.1.0"
