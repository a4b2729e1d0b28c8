"""YAML from outside, read within bounds: a size cap, no alias bombs, no cycles, no custom tags, and none of the
YAML 1.1 surprises a JSON-minded author does not expect.

PyYAML shares the node of an anchor between its aliases, so a page of a few hundred bytes can stand for a tree of
billions of nodes; every walker downstream (our checks, the OpenAPI validator, the diff) would then run for hours.
The node graph is therefore measured as the tree it stands for, before anything is built from it.

PyYAML keeps the last of two equal keys without a word, and reads an unquoted key `yes`, `no`, `on`, `null`, `~`,
`.nan`, `1.5` or `2024-01-01` as a boolean, null, number or date: a property named `yes` would silently become
`True` and vanish from every lookup by name. Both are refused, naming the key and its line. (Unquoted integer keys,
`200:` for a response code, are read as the string the author meant.)
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["MAX_DEPTH", "MAX_NODES", "MAX_SPEC_BYTES", "load_bounded_yaml"]

# Published docs pages are about 30 KB; the whole 4.259.0 spec is 550 KB, 27,000 nodes, 13 levels deep: the caps
# leave room for the API to grow several times over.
MAX_SPEC_BYTES = 4 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64


_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Limit(ValueError):
    pass


def load_bounded_yaml(text: str) -> Any:
    """Parse `text` with PyYAML's safe loader; raise ValueError naming the broken bound or the YAML problem."""
    if len(text) > MAX_SPEC_BYTES:
        raise ValueError(f"too large: {len(text)} characters, over the cap of {MAX_SPEC_BYTES}")
    # libyaml's parser when PyYAML has it (6x faster on the 550 KB whole spec); the same safe constructors.
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise _Limit(f"nested too deeply (more than {MAX_DEPTH} levels)") from None
        if node is None:
            return None
        _check_expanded_size(node)
        _check_keys(node)
        return loader.construct_document(node)
    except _Limit:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValueError(f"not valid YAML{where}: {problem}") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits (Python's int conversion limit)
        raise ValueError(f"not valid YAML: {str(exc).splitlines()[0][:200]}") from None
    finally:
        loader.dispose()


def _check_expanded_size(root: yaml.Node) -> None:
    """Measure the tree the graph stands for (aliases expanded) without building it; refuse cycles."""
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path: set[int] = set()
    # Iterative post-order walk, each node once: a shared node's size and height are computed one time.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            children = _children(node)
            size[key] = 1 + sum(size[id(child)] for child in children)
            height[key] = 1 + max((height[id(child)] for child in children), default=0)
            if size[key] > MAX_NODES:
                raise _Limit(f"too large once its aliases are expanded (over {MAX_NODES} nodes): an alias bomb")
            if height[key] > MAX_DEPTH:
                raise _Limit(f"nested too deeply (more than {MAX_DEPTH} levels)")
            continue
        if key in size:
            continue
        if key in on_path:
            raise _Limit(f"recursive: an alias at line {node.start_mark.line + 1} refers to a node that contains it")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_TAG_WORDS = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}


def _check_keys(root: yaml.Node) -> None:
    """Every mapping key is a string, once per mapping; an unquoted integer key becomes its string."""
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, yaml.Node] = {}
            for key, _ in node.value:
                if key.tag == _MERGE_TAG:
                    continue  # `<<: *base`: later keys override merged ones by design
                text = _key_text(key)
                if text in keys:
                    first = keys[text].start_mark.line + 1
                    raise _Limit(
                        f"ambiguous YAML: the key {_shown(text)} appears twice in one mapping, at line {first} and at "
                        f"line {key.start_mark.line + 1}, column {key.start_mark.column + 1} (YAML would silently "
                        "keep only the last)"
                    )
                keys[text] = key
        stack.extend(_children(node))


def _key_text(key: yaml.Node) -> str:
    if isinstance(key, yaml.ScalarNode) and key.tag in (_STR_TAG, _INT_TAG):
        key.tag = _STR_TAG  # `200:` means the string "200" in an OpenAPI document
        return str(key.value)
    where = f"line {key.start_mark.line + 1}, column {key.start_mark.column + 1}"
    if isinstance(key, yaml.ScalarNode):
        kind = _TAG_WORDS.get(key.tag, f"a {key.tag.rsplit(':', 1)[-1]}")
        raise _Limit(
            f"ambiguous YAML: the key {_shown(key.value)} at {where} is read as {kind}, not as the name it looks "
            f"like; quote it ({_shown(key.value)})"
        )
    kind = "list" if isinstance(key, yaml.SequenceNode) else "mapping"
    raise _Limit(f"ambiguous YAML: the key at {where} is a {kind}, not a name")


def _shown(text: str) -> str:
    cleaned = "".join(c if c.isprintable() else "?" for c in str(text)[:60])
    return f"'{cleaned}'"
