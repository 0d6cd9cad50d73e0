"""A document's content as blocks that both the PDF (HTML for WeasyPrint) and the .docx (python-docx) are set
from, so the two never say different things.

Stored text (the plan's words, the report's sections) is split into paragraphs at blank lines; a paragraph
starting "1. " is a numbered heading, "a) " a lettered heading, anything else (items "- ..." included) a body
paragraph. Tables carry their header row and their rows, numbers right-aligned.
"""

import re
from dataclasses import dataclass, field

NUMBERED = re.compile(r"^\d+\.\s")
LETTERED = re.compile(r"^[a-zđ]\)\s")


@dataclass(frozen=True)
class Block:
    kind: str  # "section" (I. ...), "numbered" (1. ...), "lettered" (a) ...), "paragraph", "table"
    text: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()  # the columns holding figures (right-aligned)
    widths: list[int] = field(default_factory=list)  # relative column widths


@dataclass(frozen=True)
class Appendix:
    """An appendix on a landscape page of its own: "Phụ lục I", the italic "(Kèm theo ...)" line, its blocks."""

    title: str
    attached: str
    blocks: list[Block]


def section(text: str) -> Block:
    return Block("section", text)


def paragraph(text: str) -> Block:
    return Block("paragraph", text)


def table(header: list[str], rows: list[list[str]], *, numeric=(), widths=()) -> Block:
    return Block(
        "table", header=list(header), rows=[list(r) for r in rows], numeric=frozenset(numeric), widths=list(widths)
    )


def blocks_of(text: str) -> list[Block]:
    """The stored text's paragraphs as blocks (blank lines separate them; single line breaks join)."""
    found = []
    for chunk in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")):
        words = " ".join(chunk.split())
        if not words:
            continue
        if NUMBERED.match(words):
            found.append(Block("numbered", words))
        elif LETTERED.match(words):
            found.append(Block("lettered", words))
        else:
            found.append(Block("paragraph", words))
    return found


def ends_the_document(blocks: list[Block]) -> list[Block]:
    """The text of a document ends "./." (Nghị định 30/2020): the last paragraph gets it if it lacks it."""
    for index in range(len(blocks) - 1, -1, -1):
        if blocks[index].kind == "paragraph":
            text = blocks[index].text.rstrip()
            if not text.endswith("./."):
                text = text.rstrip(".;:,") + "./."
            return [*blocks[:index], Block("paragraph", text), *blocks[index + 1 :]]
    return [*blocks, Block("paragraph", "./.")]
