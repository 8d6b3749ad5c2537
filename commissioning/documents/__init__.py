"""Documents from a plan: outcomes-based service specifications, district SLAs and the plan
summary for the partnership board, as HTML and PDF (Jinja2 templates, WeasyPrint).

`content` loads the editable text in `specs/`, `contexts` computes and formats every value
a document shows, `render` lays it out, and `command` is the `commissioning documents`
command. Importing this package never imports WeasyPrint.
"""

from commissioning.documents.content import Content, ContentError, load_content
from commissioning.documents.contexts import DocumentError, Plan, prepare

__all__ = ["Content", "ContentError", "DocumentError", "Plan", "load_content", "prepare"]
