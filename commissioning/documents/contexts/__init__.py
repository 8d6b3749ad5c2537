"""Typed, documented contexts of the documents, and the builders that make them.

Every figure and sentence a document shows is computed and formatted here, from the
inputs, the result, the plan summary (`summarise_plan`, never re-summed) and the editable
content; templates only lay the values out. A value that cannot be shown is an error
(`DocumentError`) or an explicit "not recorded", never blank, `None` or `nan`.

One module per document (`specification`, `sla`, `summary`, `terms`, `index`, `rationale`),
each context class naming its template; what they share: `format` (numbers, dates, the
check of every text), `blocks` (facts, tables, charts, the cover, and `DocumentContext`,
the cover and sections every document's context holds), `wording` (the partnership's
wording filled in, and the standard terms), `governance` (approval, signatures, equality,
consultation) and `plan` (the plan prepared once for every document, with the methods
every builder shares).
"""

from commissioning.allocator.vocabulary import DECISION_MEANINGS, DECISION_TITLES
from commissioning.documents.contexts.blocks import (
    Bar,
    BarChart,
    Branding,
    ChartRow,
    ClauseView,
    Fact,
    IndicatorGroup,
    LegendItem,
    Meta,
    PriorityObjectives,
    RowGroup,
    Section,
    Table,
    TermsCitation,
    bar_chart,
    journeys_table,
    spend_table,
)
from commissioning.documents.contexts.format import (
    NOT_RECORDED,
    DocumentError,
    check_text,
    data_text,
    decimal,
    long_date,
    looks_unfilled,
    money,
    money_change,
    money_exact,
    number,
    percent_change,
)
from commissioning.documents.contexts.index import (
    IndexContext,
    IndexGroup,
    IndexLink,
    index_context,
)
from commissioning.documents.contexts.plan import (
    SPEC_DECISIONS,
    Plan,
    branding,
    builds_from_data,
    prepare,
)
from commissioning.documents.contexts.sla import SlaContext, sla_context
from commissioning.documents.contexts.specification import SpecContext, spec_context
from commissioning.documents.contexts.summary import SummaryContext, summary_context
from commissioning.documents.contexts.terms import TermsContext, terms_context
from commissioning.documents.contexts.wording import (
    TERMS_ITEMS,
    StandardTerms,
    document_fields,
    document_sections,
    reporting_table,
    standard_terms,
)
from commissioning.inputs.vocabulary import level_label

__all__ = [
    "DECISION_MEANINGS",
    "DECISION_TITLES",
    "NOT_RECORDED",
    "SPEC_DECISIONS",
    "TERMS_ITEMS",
    "Bar",
    "BarChart",
    "Branding",
    "ChartRow",
    "ClauseView",
    "DocumentError",
    "Fact",
    "IndexContext",
    "IndexGroup",
    "IndexLink",
    "IndicatorGroup",
    "LegendItem",
    "Meta",
    "Plan",
    "PriorityObjectives",
    "RowGroup",
    "Section",
    "SlaContext",
    "SpecContext",
    "StandardTerms",
    "SummaryContext",
    "Table",
    "TermsCitation",
    "TermsContext",
    "bar_chart",
    "branding",
    "builds_from_data",
    "check_text",
    "data_text",
    "decimal",
    "document_fields",
    "document_sections",
    "index_context",
    "journeys_table",
    "level_label",
    "long_date",
    "looks_unfilled",
    "money",
    "money_change",
    "money_exact",
    "number",
    "percent_change",
    "prepare",
    "reporting_table",
    "sla_context",
    "spec_context",
    "spend_table",
    "standard_terms",
    "summary_context",
    "terms_context",
]
