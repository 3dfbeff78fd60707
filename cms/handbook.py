"""The member handbook's reading order: its table of contents and each chapter's neighbours,
computed from the chapters a reader may see (in depth-first order)."""


def handbook_toc(*, chapters: list) -> list[dict]:
    """Nested table of contents: [{"chapter": page, "children": [...]}, ...]."""
    roots: list[dict] = []
    by_path: dict[str, dict] = {}
    for chapter in chapters:
        node = {"chapter": chapter, "children": []}
        by_path[chapter.path] = node
        parent = by_path.get(chapter.path[: -chapter.steplen])
        (parent["children"] if parent else roots).append(node)
    return roots


def handbook_neighbours(*, chapters: list, chapter) -> dict:
    paths = [c.path for c in chapters]
    if chapter.path not in paths:
        return {"previous_chapter": None, "next_chapter": None}
    position = paths.index(chapter.path)
    return {
        "previous_chapter": chapters[position - 1] if position > 0 else None,
        "next_chapter": chapters[position + 1] if position + 1 < len(chapters) else None,
    }
